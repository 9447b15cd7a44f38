"""Certificate templates staff design in the admin (snippets with drafts and
revisions), their signatories, and which template each course issues with."""

from __future__ import annotations

import string
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import (
    DraftStateMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index

#: The placeholders a template's texts may use, with what they stand for.
colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, e.g. #1f4e79.")
)


#: The Wagtail hook that renders a template's sample PDF for the admin's preview:
#: ``fn(template) -> bytes`` (registered in certificates/wagtail_hooks.py, so that
#: this model need not know the renderer).
PREVIEW_HOOK = "render_certificate_template_preview"

PLACEHOLDERS = {
    "learner": _("the learner's name"),
    "course": _("the course title"),
    "hours": _("the academic hours"),
    "period": _("the dates attended"),
    "competences": _("the competences developed"),
    "serial": _("the certificate number"),
    "issued": _("the issue date"),
}


def placeholder_errors(text: str) -> list[str]:
    """Names in ``text`` that are not placeholders, or a syntax error message."""
    try:
        fields = [name for _lit, name, _spec, _conv in string.Formatter().parse(text)]
    except ValueError as exc:
        return [str(exc)]
    return sorted({name for name in fields if name is not None} - set(PLACEHOLDERS))


class CertificateTemplate(
    PreviewableMixin, DraftStateMixin, RevisionMixin, index.Indexed, ClusterableModel
):
    """How certificates of a course look and what they say.

    Issuing copies everything a certificate needs from here into the certificate's
    snapshot, so editing a template changes only certificates issued afterwards.
    """

    class Language(models.TextChoices):
        LATVIAN = "lv", _("Latvian")
        ENGLISH = "en", _("English")
        BILINGUAL = "lv+en", _("Latvian and English")

    class Orientation(models.TextChoices):
        LANDSCAPE = "landscape", _("Landscape")
        PORTRAIT = "portrait", _("Portrait")

    name = models.CharField(_("name"), max_length=255, unique=True)
    is_default = models.BooleanField(
        _("default template"),
        default=False,
        help_text=_("Used for courses that have not chosen a template."),
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.LATVIAN
    )
    orientation = models.CharField(
        _("orientation"),
        max_length=10,
        choices=Orientation.choices,
        default=Orientation.LANDSCAPE,
    )
    title_lv = models.CharField(
        pgettext_lazy("certificate template", "title (Latvian)"),
        max_length=255,
        blank=True,
        default="APLIECĪBA",
    )
    title_en = models.CharField(
        pgettext_lazy("certificate template", "title (English)"),
        max_length=255,
        blank=True,
        default="CERTIFICATE",
    )
    body_lv = models.TextField(
        _("text (Latvian)"),
        blank=True,
        default=(
            "{learner} apguva profesionālās pilnveides programmu "
            "„{course}” {hours} akadēmisko stundu apjomā ({period})."
        ),
    )
    body_en = models.TextField(
        _("text (English)"),
        blank=True,
        default=(
            "{learner} has completed the professional development programme "
            "“{course}”, {hours} academic hours ({period})."
        ),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    second_logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("second logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("E.g. the funder's logo, printed on the right."),
    )
    provider_name_lv = models.CharField(
        _("provider (Latvian)"),
        max_length=255,
        blank=True,
        help_text=_("Leave empty to print the course's provider."),
    )
    provider_name_en = models.CharField(
        _("provider (English)"), max_length=255, blank=True
    )
    provider_registration_number = models.CharField(
        _("provider registration number"),
        max_length=50,
        blank=True,
        help_text=_("Leave empty to print the course's."),
    )
    approval_line_lv = models.CharField(
        _("approval line (Latvian)"),
        max_length=500,
        blank=True,
        help_text=_(
            "Leave empty to print the course's approval body, number and date."
        ),
    )
    approval_line_en = models.CharField(
        _("approval line (English)"), max_length=500, blank=True
    )
    funding_line_lv = models.TextField(
        _("funding line (Latvian)"),
        blank=True,
        help_text=_("Leave empty to print the course's funding line."),
    )
    funding_line_en = models.TextField(_("funding line (English)"), blank=True)
    primary_colour = models.CharField(
        _("main colour"), max_length=7, default="#1f4e79", validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default="#c9a227",
        validators=[colour_validator],
    )
    serial_prefix = models.CharField(
        _("serial number prefix"),
        max_length=10,
        default="DU",
        validators=[
            RegexValidator(
                r"^[A-Z0-9]{1,10}$", _("Capital letters and digits only, e.g. DU.")
            )
        ],
        help_text=_(
            "Certificates are numbered PREFIX-YEAR-NUMBER, e.g. DU-2026-000123."
        ),
    )
    validity_years = models.PositiveSmallIntegerField(
        _("valid for (years)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for certificates that do not expire."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("name"),
                FieldPanel("is_default"),
                FieldRowPanel([FieldPanel("language"), FieldPanel("orientation")]),
            ],
            heading=_("Template"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("title_lv"),
                FieldPanel("body_lv"),
                FieldPanel("title_en"),
                FieldPanel("body_en"),
            ],
            heading=_("Texts"),
            help_text=_(
                "Placeholders: {learner}, {course}, {hours}, {period}, "
                "{competences}, {serial}, {issued}."
            ),
        ),
        MultiFieldPanel(
            [
                FieldPanel("provider_name_lv"),
                FieldPanel("provider_name_en"),
                FieldPanel("provider_registration_number"),
                FieldPanel("approval_line_lv"),
                FieldPanel("approval_line_en"),
                FieldPanel("funding_line_lv"),
                FieldPanel("funding_line_en"),
            ],
            heading=_("Issuer, approval and funding"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("logo"), FieldPanel("second_logo")]),
                FieldRowPanel(
                    [FieldPanel("primary_colour"), FieldPanel("accent_colour")]
                ),
                FieldRowPanel(
                    [FieldPanel("serial_prefix"), FieldPanel("validity_years")]
                ),
            ],
            heading=_("Design and numbering"),
        ),
        InlinePanel("signatories", heading=_("Signatories"), label=_("Signatory")),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="one_default_certificate_template",
            )
        ]
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        errors = {}
        for field in ("title_lv", "title_en", "body_lv", "body_en"):
            unknown = placeholder_errors(getattr(self, field))
            if unknown:
                errors[field] = _(
                    "Unknown placeholder(s): %(names)s. Use only %(allowed)s."
                ) % {
                    "names": ", ".join(unknown),
                    "allowed": ", ".join(f"{{{name}}}" for name in PLACEHOLDERS),
                }
        if errors:
            raise ValidationError(errors)

    def serve_preview(self, request: HttpRequest, mode_name: str) -> HttpResponse:
        """A sample certificate PDF of the template as it is being edited, made by
        the function registered under :data:`PREVIEW_HOOK`."""
        [render] = hooks.get_hooks(PREVIEW_HOOK)
        return HttpResponse(render(self), content_type="application/pdf")


class CertificateSignatory(Orderable):
    """A person who signs the template's certificates."""

    template = ParentalKey(
        CertificateTemplate, on_delete=models.CASCADE, related_name="signatories"
    )
    name = models.CharField(_("name"), max_length=255)
    position_lv = models.CharField(_("position (Latvian)"), max_length=255, blank=True)
    position_en = models.CharField(_("position (English)"), max_length=255, blank=True)
    signature = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("signature image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("position_lv"),
        FieldPanel("position_en"),
        FieldPanel("signature"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self) -> str:
        return self.name


class CourseCertificateSettings(models.Model):
    """Which template a course's certificates use, and whether completion issues one.

    Kept on the certificates side, keyed by the course's translation key, because
    courses know nothing of certificates; the Latvian and English versions of a
    course share these settings.
    """

    course = models.OneToOneField(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    course_key = models.UUIDField(_("course translation key"), unique=True)
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("template"),
        on_delete=models.PROTECT,
        related_name="course_settings",
    )
    issue_automatically = models.BooleanField(
        _("issue on completion"),
        default=True,
        help_text=_("Issue a certificate as soon as a learner completes the course."),
    )

    panels = [
        FieldPanel("course"),
        FieldPanel("template"),
        FieldPanel("issue_automatically"),
    ]

    class Meta:
        verbose_name = _("course certificate settings")
        verbose_name_plural = _("course certificate settings")

    def __str__(self) -> str:
        return str(self.course)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.course_key = self.course.translation_key
        super().save(*args, **kwargs)
