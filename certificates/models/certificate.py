"""The issued certificate: a frozen record of what was earned, with its serial,
verification code, PDF and history."""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from certificates.codes import format_code
from certificates.models.templates import CertificateTemplate


def format_serial(prefix: str, year: int, number: int) -> str:
    """A certificate's number as printed: ``DU-2026-000123``."""
    return f"{prefix}-{year}-{number:06d}"


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

    class RevocationCategory(models.TextChoices):
        """Why a certificate was revoked, as the public verification page says it;
        the free-text ``revocation_reason`` stays for staff."""

        ISSUED_IN_ERROR = "error", _("Issued in error")
        REPLACED = "replaced", _("Replaced by another certificate")
        WITHDRAWN = "withdrawn", pgettext_lazy("revocation reason", "Withdrawn")

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
    expires_on = models.DateField(
        pgettext_lazy("certificate", "expires"), null=True, blank=True
    )
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
    revoked_at = models.DateTimeField(
        pgettext_lazy("certificate", "revoked"), null=True, blank=True
    )
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.CharField(
        _("reason for revoking"),
        max_length=500,
        blank=True,
        help_text=_("For staff only; never shown publicly."),
    )
    revocation_category = models.CharField(
        _("public reason for revoking"),
        max_length=10,
        choices=RevocationCategory.choices,
        blank=True,
    )
    revocation_public_note = models.CharField(
        _("public note on revoking"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the public verification page."),
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
    # The stored PDF's SHA-256: an uploaded file is "exactly what was issued" when
    # its hash is this one.
    pdf_sha256 = models.CharField(
        _("PDF SHA-256"), max_length=64, blank=True, db_index=True, editable=False
    )
    signing_kid = models.CharField(
        _("signed with key"), max_length=64, blank=True, editable=False
    )
    # Set in the transaction that sends the learner's e-mail, so that a task run
    # again after a crash does not send it twice.
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # Set when its holder's personal data was erased on request: the certificate
    # stays as a tombstone that still verifies, with no name and no PDF.
    holder_erased_at = models.DateTimeField(
        _("holder's data erased"), null=True, blank=True, editable=False
    )

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
        permissions = [
            ("issue_certificate", _("Can issue certificates, one by one or in bulk")),
            ("revoke_certificate", _("Can revoke and re-issue certificates")),
        ]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return f"{self.serial} {self.learner_name}"

    def get_absolute_url(self) -> str:
        return reverse("certificates:verify", args=[self.verification_code])

    def get_download_url(self) -> str:
        return reverse("certificates:download", args=[self.pk])

    def get_open_badge_url(self) -> str:
        return reverse("certificates:open_badge_download", args=[self.pk])

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
