"""StreamField blocks for lesson bodies."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageBlock

RICH_TEXT_FEATURES = ["h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        label=_("kind"),
        choices=[
            ("tip", _("Tip")),
            ("note", _("Note")),
            ("important", _("Important")),
        ],
        default="note",
    )
    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "help"
        label = _("Callout")
        template = "courses/blocks/callout.html"


class PracticalTaskBlock(blocks.StructBlock):
    """A task the teacher carries out in their own classroom or lesson planning."""

    title = blocks.CharBlock(label=_("title"))
    instructions = blocks.RichTextBlock(
        label=_("instructions"), features=RICH_TEXT_FEATURES
    )
    duration_minutes = blocks.IntegerBlock(
        label=_("duration (minutes)"), min_value=1, required=False
    )
    deliverable = blocks.CharBlock(
        label=_("what to produce"),
        required=False,
        help_text=_("One sentence: what the teacher has at the end."),
    )

    class Meta:
        icon = "tasks"
        label = _("Practical task")
        template = "courses/blocks/practical_task.html"


class VideoBlock(blocks.StructBlock):
    """An embedded video with a plain link as the fallback.

    The embed provider may be unreachable or the URL may be wrong; the lesson must
    still render, so the template shows the link when no embed HTML comes back.
    """

    video = EmbedBlock(label=_("video URL"))
    caption = blocks.CharBlock(label=_("caption"), required=False)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    description = blocks.CharBlock(label=_("description"), required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document download")
        template = "courses/blocks/document.html"


class LabelledImageBlock(ImageBlock):
    """Wagtail's image block, its chooser labelled in the admin's language:
    Wagtail names it after the block ("Image"), which no catalogue translates.
    It is stored and migrated as Wagtail's own ``ImageBlock``."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.child_blocks["image"].label = _("Image")


class LessonBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        label=_("Heading"), icon="title", template="courses/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = LabelledImageBlock(label=_("Image"))
    video = VideoBlock()
    document = DocumentBlock()
    callout = CalloutBlock()
    practical_task = PracticalTaskBlock()
