"""Learner and public views: my certificates, download, verification."""

from __future__ import annotations

import logging

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from certificates.codes import is_code, normalise_code
from certificates.delivery import ensure_pdf, may_download
from certificates.file_verification import MAX_BYTES, check_file
from certificates.models import Certificate
from certificates.rendering import get_renderer
from certificates.untrusted_pdf import UnreadablePdf
from certificates.verification import public_facts, public_revocation
from courses.people.languages import in_chosen_language
from courses.throttling import too_many_lookups

logger = logging.getLogger(__name__)


@login_required
@in_chosen_language
def mine(request: HttpRequest) -> HttpResponse:
    certificates = Certificate.objects.filter(user=request.user).only(
        "serial",
        "verification_code",
        "course_title",
        "hours",
        "issued_at",
        "expires_on",
        "status",
        "revoked_at",
        "user_id",
    )
    return TemplateResponse(
        request, "certificates/mine.html", {"certificates": certificates}
    )


def download(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = Certificate.objects.filter(pk=pk).first()
    # 404 for everyone else alike, so no one learns which certificates exist.
    if certificate is None or not may_download(request.user, certificate):
        raise Http404
    ensure_pdf(certificate)
    try:
        # Asked first: a bucket's file is read only while the answer streams,
        # too late to say anything but a broken download.
        if not certificate.pdf.storage.exists(certificate.pdf.name):
            raise FileNotFoundError(certificate.pdf.name)
        pdf = certificate.pdf.open("rb")
    except OSError:
        # Not rendered again: a new file would no longer be the one whose
        # fingerprint was recorded when it was issued.
        logger.error(
            "The PDF of certificate %s is missing from storage: %s",
            certificate.serial,
            certificate.pdf.name,
        )
        messages.error(
            request,
            _(
                "The file of certificate %(serial)s cannot be found just now; please "
                "tell the course team. The certificate itself is valid: its "
                "verification page shows it."
            )
            % {"serial": certificate.serial},
        )
        return redirect("certificates:mine")
    return FileResponse(
        pdf,
        as_attachment=True,
        filename=get_renderer().filename(certificate),
        content_type="application/pdf",
    )


@in_chosen_language
def verify_form(request: HttpRequest) -> HttpResponse:
    typed = request.GET.get("code", "")
    code = normalise_code(typed)
    if is_code(code):
        return redirect("certificates:verify", code=code)
    return TemplateResponse(
        request,
        "certificates/verify_form.html",
        {
            "error": _(
                "A code has 20 letters and digits, as printed on the certificate."
            )
            if typed.strip()
            else "",
            "file_form": VerifyFileForm(),
        },
    )


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("The certificate's PDF file"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    #: Set when the file is checked from one certificate's page.
    code = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                gettext_lazy(
                    "The file is larger than 10 MB, so it is no certificate of ours."
                )
            )
        data = upload.read()
        try:
            self.check = check_file(data)
        except UnreadablePdf:
            raise forms.ValidationError(
                gettext_lazy(
                    "This is not a PDF file we can read. Choose the certificate's "
                    "PDF file as you received it."
                )
            ) from None
        except ValueError:
            raise forms.ValidationError(
                gettext_lazy(
                    "This file is not a PDF. Choose the certificate's PDF file."
                )
            ) from None
        return upload


@require_POST
@in_chosen_language
def verify_file(request: HttpRequest) -> HttpResponse:
    """The verdict on an uploaded PDF: exactly the file issued, changed after
    issue, altered, or unknown — with the certificate's status now."""
    if too_many_lookups(request, "verify"):
        return TemplateResponse(
            request, "certificates/verify_limited.html", {}, status=429
        )
    form = VerifyFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return TemplateResponse(
            request,
            "certificates/verify_form.html",
            {"file_form": form, "error": ""},
            status=400,
        )
    check = form.check
    expected = normalise_code(form.cleaned_data["code"])
    certificate = check.certificate
    return TemplateResponse(
        request,
        "certificates/verify_file.html",
        {
            "check": check,
            "verdict": check.verdict.value,
            "certificate": certificate,
            "status": certificate.public_status if certificate else "",
            "facts": public_facts(certificate) if certificate else None,
            "other_certificate": bool(
                certificate and expected and certificate.verification_code != expected
            ),
            "file_form": VerifyFileForm(),
        },
    )


@in_chosen_language
def verify(request: HttpRequest, code: str) -> HttpResponse:
    if too_many_lookups(request, "verify"):
        return TemplateResponse(
            request, "certificates/verify_limited.html", {}, status=429
        )
    normalised = normalise_code(code)
    if not is_code(normalised):
        raise Http404(_("No certificate has this code."))
    if normalised != code:
        return redirect("certificates:verify", code=normalised)
    certificate = get_object_or_404(
        Certificate.objects.select_related("superseded_by"),
        verification_code=normalised,
    )
    current = (
        certificate.current_version()
        if certificate.status == Certificate.Status.SUPERSEDED
        else None
    )
    return TemplateResponse(
        request,
        "certificates/verify.html",
        {
            "certificate": certificate,
            "status": certificate.public_status,
            "current": current,
            "facts": public_facts(certificate),
            "file_form": VerifyFileForm(),
            "revocation": public_revocation(certificate),
        },
    )
