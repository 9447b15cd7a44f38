"""Downloading a course's (or cohort's) certificates as one ZIP archive, streamed."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.http import (
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from certificates.admin_views.actions import CohortForm, StaffFormView
from certificates.delivery import ensure_pdf
from certificates.models import (
    Certificate,
)
from certificates.permissions import ISSUE_CERTIFICATE
from certificates.rendering import get_renderer
from courses.collation import in_latvian_order
from courses.converters import as_id
from courses.models import Cohort
from courses.permissions import courses_for

if TYPE_CHECKING:
    from django.db.models import QuerySet


class ZipFormView(StaffFormView):
    form_class = CohortForm
    page_title = _("Download certificates as ZIP")
    submit_label = _("Download")

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: CohortForm) -> HttpResponse:
        url = (
            reverse("certificates_admin:zip")
            + f"?course={form.cleaned_data['course'].pk}"
        )
        if form.cleaned_data["cohort"]:
            url += f"&cohort={form.cleaned_data['cohort'].pk}"
        return redirect(url)


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes are handed on and forgotten, so a ZIP of any
    size passes through a small buffer."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def entry_name(learner_name: str, filename: str) -> str:
    """A ZIP entry for one learner's PDF that unpacks as one file in the chosen
    folder, whatever the name holds: letters (any alphabet), digits, spaces,
    hyphens and apostrophes only, so no path separators, dots or control
    characters."""
    safe = " ".join(re.sub(r"[^\w\s'-]|_", "", learner_name).split()).strip(" -'")
    return f"{safe[:100]} {filename}" if safe else filename


def zip_stream(certificates: QuerySet[Certificate]) -> Iterator[bytes]:
    """The certificates' PDFs as a ZIP, produced chunk by chunk."""
    pipe = _Pipe()
    renderer = get_renderer()
    # PDFs are compressed already: storing them is as small and much faster.
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates.filter(holder_erased_at__isnull=True).iterator(
            chunk_size=100
        ):
            ensure_pdf(certificate)
            name = entry_name(certificate.learner_name, renderer.filename(certificate))
            with (
                certificate.pdf.open("rb") as source,
                archive.open(name, "w") as target,
            ):
                while chunk := source.read(64 * 1024):
                    target.write(chunk)
                    yield pipe.take()
    yield pipe.take()


def download_zip(request: HttpRequest) -> HttpResponse:
    """Valid certificates of a course (or one of its cohorts) in one ZIP file."""
    course = get_object_or_404(
        courses_for(request.user, ISSUE_CERTIFICATE),
        pk=as_id(request.GET.get("course")) or 0,
    )
    certificates = Certificate.objects.filter(
        course_key=course.translation_key, status=Certificate.Status.VALID
    ).order_by(*in_latvian_order("learner_name"), "pk")
    name = course.slug
    if cohort_id := request.GET.get("cohort"):
        cohort = get_object_or_404(
            Cohort,
            pk=as_id(cohort_id) or 0,
            course__translation_key=course.translation_key,
        )
        certificates = certificates.filter(cohort=cohort)
        name += f"-{cohort.pk}"
    response = StreamingHttpResponse(
        zip_stream(certificates), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-certificates.zip"'
    return response
