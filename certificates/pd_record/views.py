"""The teacher's "My professional development" page, its downloads and the
add and delete actions on their own external certificates."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certificates.models import ExternalCertificate
from certificates.pd_record.exports import CSV_TYPE, csv_bytes, pdf_bytes, status_text
from certificates.pd_record.forms import MAX_PDF_BYTES, ExternalCertificateForm
from certificates.pd_record.record import pd_record
from courses.people.languages import in_chosen_language


@login_required
@in_chosen_language
def record(request: HttpRequest) -> HttpResponse:
    """The record, and the form that adds an external certificate to it."""
    form = ExternalCertificateForm()
    if request.method == "POST":
        form = ExternalCertificateForm(request.POST, request.FILES)
        if form.is_valid():
            form.instance.user = request.user
            form.save()
            messages.success(request, _("The certificate was added to your record."))
            return redirect("certificates:pd_record")
    the_record = pd_record(request.user)
    return TemplateResponse(
        request,
        "certificates/pd_record.html",
        {
            "record": the_record,
            "status_text": status_text(the_record),
            "form": form,
            "max_pdf_bytes": MAX_PDF_BYTES,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
@in_chosen_language
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    # Another teacher's entry is a 404, so no one learns which entries exist.
    external = get_object_or_404(ExternalCertificate, pk=pk, user=request.user)
    external.delete()
    if external.pdf:
        # After commit: a rolled-back delete must not leave its row without a file.
        name, storage = external.pdf.name, external.pdf.storage
        transaction.on_commit(lambda: storage.delete(name))
    messages.success(request, _("The certificate was removed from your record."))
    return redirect("certificates:pd_record")


@login_required
@require_GET
def external_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF a teacher attached to their own entry."""
    external = get_object_or_404(ExternalCertificate, pk=pk, user=request.user)
    if not external.pdf:
        raise Http404
    return FileResponse(
        external.pdf.open("rb"),
        as_attachment=True,
        filename="certificate.pdf",
        content_type="application/pdf",
    )


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@login_required
@require_GET
@in_chosen_language
def record_pdf(request: HttpRequest) -> HttpResponse:
    name = request.user.get_full_name() or request.user.get_username()
    return _download(
        pdf_bytes(pd_record(request.user), name),
        "professional-development.pdf",
        "application/pdf",
    )


@login_required
@require_GET
@in_chosen_language
def record_csv(request: HttpRequest) -> HttpResponse:
    return _download(
        csv_bytes(pd_record(request.user)), "professional-development.csv", CSV_TYPE
    )
