"""A teacher's record of professional development taken elsewhere: the external
certificates they add beside the ones this site issued."""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

#: More hours than any one programme has; a typo such as 360 for 36.0 is caught.
MAX_HOURS = Decimal(1000)


def external_pdf_upload_to(instance: ExternalCertificate, filename: str) -> str:
    # Unguessable, so a file that storage serves publicly cannot be found by
    # counting; the teacher's own file name is not kept (it may hold their name).
    return f"pd_record/{secrets.token_urlsafe(24)}.pdf"


class ExternalCertificate(models.Model):
    """A certificate from another provider that a teacher records for their
    36-hour professional-development total."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("teacher"),
        on_delete=models.CASCADE,
        related_name="external_certificates",
    )
    title = models.CharField(_("programme title"), max_length=300)
    provider = models.CharField(_("provider"), max_length=300)
    hours = models.DecimalField(
        _("academic hours"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(MAX_HOURS)],
    )
    completed_on = models.DateField(_("completed on"))
    pdf = models.FileField(
        _("certificate PDF"),
        upload_to=external_pdf_upload_to,
        blank=True,
        max_length=200,
    )
    verification_url = models.URLField(
        _("verification address"),
        max_length=500,
        blank=True,
        # URLField also accepts ftp; a link shown to the teacher should open in
        # a browser, and nothing else (never javascript: or data:).
        validators=[URLValidator(schemes=["http", "https"])],
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-completed_on", "-pk"]
        verbose_name = _("external certificate")
        verbose_name_plural = _("external certificates")

    def __str__(self) -> str:
        return f"{self.title} ({self.provider})"
