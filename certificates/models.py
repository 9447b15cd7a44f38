"""Certificate templates (snippets), the frozen certificate record and its helpers."""

from __future__ import annotations

import secrets
import string
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.models import (
    DraftStateMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
)
from wagtail.search import index

from certificates.codes import format_code

#: The placeholders a template's texts may use, with what they stand for.
PLACEHOLDERS = {
    "learner": _("the learner's name"),
    "course": _("the course title"),
    "hours": _("the academic hours"),
    "period": _("the dates attended"),
    "competences": _("the competences developed"),
    "serial": _("the certificate number"),
    "issued": _("the issue date"),
}

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB, e.g. #1f4e79.")
)


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
        _("title (Latvian)"), max_length=255, blank=True, default="APLIECĪBA"
    )
    title_en = models.CharField(
        _("title (English)"), max_length=255, blank=True, default="CERTIFICATE"
    )
    body_lv = models.TextField(
        _("text (Latvian)"),
        blank=True,
        default=(
            "{learner} ir apguvusi/apguvis profesionālās pilnveides programmu "
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
        """A sample certificate PDF of the template as it is being edited."""
        from certificates.issuing import sample_certificate
        from certificates.rendering import get_renderer

        pdf = get_renderer().render(sample_certificate(self))
        return HttpResponse(pdf, content_type="application/pdf")


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


class SerialCounter(models.Model):
    """The last number given in one series (prefix and year).

    Issuing locks the row, so concurrent issues take consecutive numbers.
    """

    prefix = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"], name="one_counter_per_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}: {self.last_number}"


def pdf_upload_to(instance: Certificate, filename: str) -> str:
    # Unguessable, so a file that storage serves publicly cannot be found by number.
    return f"certificates/{instance.issued_at:%Y}/{secrets.token_urlsafe(24)}.pdf"


class Certificate(models.Model):
    """An issued certificate: a snapshot frozen when it was issued.

    Everything printed on the PDF or shown on the verification page comes from this
    row and its ``snapshot``; the course, template and learner may change later.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    class How(models.TextChoices):
        AUTOMATIC = "automatic", _("Automatically on completion")
        MANUAL = "manual", _("Manually")
        BULK = "bulk", _("Bulk issue")
        REISSUE = "reissue", _("Re-issue")

    serial = models.CharField(_("number"), max_length=40, unique=True)
    verification_code = models.CharField(
        _("verification code"), max_length=20, unique=True, editable=False
    )
    enrolment = models.ForeignKey(
        "courses.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    course_key = models.UUIDField(_("course translation key"), db_index=True)
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    template = models.ForeignKey(
        CertificateTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    template_revision_id = models.PositiveBigIntegerField(
        _("template revision"), null=True, blank=True
    )
    language = models.CharField(
        _("language"), max_length=5, choices=CertificateTemplate.Language.choices
    )
    learner_name = models.CharField(_("name as printed"), max_length=255)
    course_title = models.CharField(_("course as printed"), max_length=500)
    hours = models.DecimalField(_("academic hours"), max_digits=6, decimal_places=1)
    snapshot = models.JSONField(_("snapshot"), default=dict, editable=False)

    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    issued_how = models.CharField(_("issued how"), max_length=10, choices=How.choices)
    issue_reason = models.CharField(_("reason for issuing"), max_length=500, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.VALID
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.CharField(
        _("reason for revoking"), max_length=500, blank=True
    )
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("supersedes"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )
    pdf = models.FileField(
        _("PDF"), upload_to=pdf_upload_to, blank=True, max_length=200
    )
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)
    # Set in the transaction that sends the learner's e-mail, so that a task run
    # again after a crash does not send it twice.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"],
                condition=Q(status="valid"),
                name="one_valid_certificate_per_enrolment",
            )
        ]
        indexes = [models.Index(fields=["course_key", "status"])]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.serial} {self.learner_name}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", args=[self.verification_code])

    def get_download_url(self) -> str:
        return reverse("certificates:download", args=[self.pk])

    @property
    def display_code(self) -> str:
        """The verification code in groups of five, as printed."""
        return format_code(self.verification_code)

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < date.today()

    @property
    def public_status(self) -> str:
        """The status shown when verifying: a valid certificate may have expired."""
        if self.status == self.Status.VALID and self.is_expired:
            return "expired"
        return self.status

    def current_version(self) -> Certificate:
        """The certificate that replaced this one, following re-issues to the end."""
        current = self
        while True:
            try:
                current = current.superseded_by
            except Certificate.DoesNotExist:
                return current


class BulkIssueJob(models.Model):
    """A bulk issue of a course's or cohort's certificates and how far it got.

    The work runs in a task; the admin page polls this row for its progress bar.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("learners"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    skipped = models.PositiveIntegerField(_("already had one"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    errors = models.TextField(_("errors"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bulk issue")
        verbose_name_plural = _("bulk issues")

    def __str__(self) -> str:
        return f"{self.course} {self.cohort or ''}".strip()

    @property
    def done(self) -> int:
        return self.issued + self.skipped + self.failed

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 100


class BulkIssueChunk(models.Model):
    """A slice of a bulk issue's learners, issued by one background task.

    Workers may die (a SIGKILLed RQ job is not retried), so every chunk records
    when it last showed signs of life: ``manage.py issue_certificates --resume``
    enqueues again the chunks whose worker has gone. A chunk adds its counts to
    the job once, when it is marked done.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    job = models.ForeignKey(
        BulkIssueJob,
        verbose_name=_("bulk issue"),
        on_delete=models.CASCADE,
        related_name="chunks",
    )
    number = models.PositiveIntegerField(_("number"))
    enrolment_ids = models.JSONField(_("enrolments"), default=list)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    touched_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    skipped = models.PositiveIntegerField(_("already had one"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "number"], name="one_chunk_number_per_bulk_issue"
            )
        ]
        verbose_name = _("bulk issue chunk")
        verbose_name_plural = _("bulk issue chunks")

    def __str__(self) -> str:
        return f"{self.job} #{self.number}"
