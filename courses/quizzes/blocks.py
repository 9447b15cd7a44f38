"""The questions of a quiz: StreamField blocks staff author, and the plain data
(:class:`Question`) that grading and rendering work on."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer option"))
    correct = blocks.BooleanBlock(label=_("correct"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Option")


class QuestionBlock(blocks.StructBlock):
    """What every question has; the subclasses add the answer key."""

    text = blocks.TextBlock(label=_("question"))
    points = blocks.IntegerBlock(label=_("points"), min_value=1, default=1)
    feedback_correct = blocks.TextBlock(
        label=_("feedback when answered correctly"),
        required=False,
    )
    feedback_incorrect = blocks.TextBlock(
        label=_("feedback when not answered correctly"),
        required=False,
        help_text=_("Also shown when the question was left unanswered."),
    )
    feedback = blocks.TextBlock(
        label=_("feedback for everyone"),
        required=False,
        help_text=_(
            "Shown after the attempt is submitted, whatever the answer, below the "
            "feedback for the learner's outcome."
        ),
    )


class SingleChoiceBlock(QuestionBlock):
    options = blocks.ListBlock(OptionBlock(), label=_("options"), min_num=2)

    class Meta:
        icon = "radio-full"
        label = _("Single choice")

    def clean(self, value):
        value = super().clean(value)
        # A draft may lack its answer key; publishing may not.
        if self.is_deferred_validation:
            return value
        if sum(1 for option in value["options"] if option["correct"]) != 1:
            raise StructBlockValidationError(
                non_block_errors=ErrorList([_("Mark exactly one option as correct.")])
            )
        return value


class MultipleChoiceBlock(QuestionBlock):
    options = blocks.ListBlock(OptionBlock(), label=_("options"), min_num=2)

    class Meta:
        icon = "tick-inverse"
        label = _("Multiple choice")

    def clean(self, value):
        value = super().clean(value)
        if self.is_deferred_validation:
            return value
        if not any(option["correct"] for option in value["options"]):
            raise StructBlockValidationError(
                non_block_errors=ErrorList([_("Mark at least one option as correct.")])
            )
        return value


class TrueFalseBlock(QuestionBlock):
    answer = blocks.BooleanBlock(label=_("the statement is true"), required=False)

    class Meta:
        icon = "tick"
        label = _("True or false")


class NumericBlock(QuestionBlock):
    answer = blocks.DecimalBlock(label=_("answer"), decimal_places=6)
    tolerance = blocks.DecimalBlock(
        label=_("tolerance"),
        min_value=0,
        decimal_places=6,
        default=Decimal(0),
        help_text=_("Answers this far from the answer, either way, count as correct."),
    )

    class Meta:
        icon = "order"
        label = _("Number")


class ShortTextBlock(QuestionBlock):
    answers = blocks.ListBlock(
        blocks.CharBlock(label=_("accepted answer")),
        label=_("accepted answers"),
        min_num=1,
    )
    match = blocks.ChoiceBlock(
        label=_("matching"),
        choices=[
            ("normalised", _("Ignore case and extra spaces")),
            ("exact", _("Exactly as written")),
        ],
        default="normalised",
    )

    class Meta:
        icon = "pilcrow"
        label = _("Short text")


class QuestionsBlock(blocks.StreamBlock):
    single = SingleChoiceBlock()
    multiple = MultipleChoiceBlock()
    true_false = TrueFalseBlock()
    numeric = NumericBlock()
    short_text = ShortTextBlock()


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool


@dataclass(frozen=True)
class Question:
    """A question as plain data, the form grading and rendering work on.

    ``id`` is the StreamField block id, which Wagtail keeps when it copies a quiz
    for translation, so an attempt's answers fit every translation of its quiz.
    """

    id: str
    type: str
    text: str
    points: int
    feedback: str = ""
    feedback_correct: str = ""
    feedback_incorrect: str = ""
    options: tuple[Option, ...] = ()
    answer: bool | Decimal | None = None
    tolerance: Decimal = Decimal(0)
    answers: tuple[str, ...] = ()
    match: str = "normalised"

    def feedback_for(self, correct: bool) -> list[str]:
        """What the author wrote for this outcome, then what they wrote for all."""
        outcome = self.feedback_correct if correct else self.feedback_incorrect
        return [text for text in (outcome, self.feedback) if text]

    @property
    def option_ids(self) -> set[str]:
        return {option.id for option in self.options}
