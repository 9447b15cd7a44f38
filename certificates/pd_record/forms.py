"""The form a teacher adds an external certificate with."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.models import ExternalCertificate

#: The largest certificate PDF a teacher may attach.
MAX_PDF_BYTES = 10 * 1024 * 1024


def _form_field(field: models.Field, **kwargs) -> forms.Field | None:
    # An address typed without a scheme is taken as https (Django 6's default).
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ExternalCertificateForm(forms.ModelForm):
    class Meta:
        formfield_callback = _form_field
        model = ExternalCertificate
        fields = [
            "title",
            "provider",
            "hours",
            "completed_on",
            "pdf",
            "verification_url",
        ]
        widgets = {
            "completed_on": forms.DateInput(attrs={"type": "date"}),
            "pdf": forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
            "hours": forms.NumberInput(
                attrs={"min": "0.1", "max": "1000", "step": "0.1"}
            ),
        }
        help_texts = {
            "hours": _("As stated on the certificate, in academic hours."),
            "pdf": _("Optional. A PDF file of at most 10 MB."),
            "verification_url": _(
                "Optional. The address where the provider confirms the certificate."
            ),
        }
        error_messages = {
            "hours": {
                "min_value": _("Enter a number of hours greater than 0."),
                "max_value": _(
                    "No programme is longer than 1000 hours; check the number."
                ),
            },
            "verification_url": {
                "invalid": _("Enter an address that starts with http:// or https://."),
            },
        }

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on > timezone.localdate():
            raise forms.ValidationError(
                _("The date is in the future; enter the day you completed it.")
            )
        return completed_on

    def clean_pdf(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("pdf")
        if not upload:
            return upload
        if upload.size > MAX_PDF_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        # Checked by its first bytes: a name or a browser's content type says
        # nothing about what the file is.
        upload.seek(0)
        is_pdf = upload.read(5) == b"%PDF-"
        upload.seek(0)
        if not is_pdf:
            raise forms.ValidationError(
                _("This file is not a PDF. Choose the certificate's PDF file.")
            )
        return upload
