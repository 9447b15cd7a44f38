"""Bulk issuing in the admin: starting a job and watching its progress."""

from __future__ import annotations

from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from certificates.admin_views.actions import CohortForm, StaffFormView
from certificates.bulk import start_bulk_issue
from certificates.models import (
    BulkIssueJob,
)
from certificates.permissions import ISSUE_CERTIFICATE
from certificates.tasks import bulk_issue
from courses.permissions import courses_for


class BulkIssueView(StaffFormView):
    form_class = CohortForm
    page_title = _("Bulk issue")
    submit_label = _("Issue certificates")

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: CohortForm) -> HttpResponse:
        job = start_bulk_issue(
            form.cleaned_data["course"], form.cleaned_data["cohort"], self.request.user
        )
        transaction.on_commit(lambda: bulk_issue.enqueue(job.pk))
        return redirect("certificates_admin:bulk_job", pk=job.pk)


def _job_for(request: HttpRequest, pk: int) -> BulkIssueJob:
    job = get_object_or_404(
        BulkIssueJob.objects.select_related("course", "cohort"), pk=pk
    )
    if (
        not courses_for(request.user, ISSUE_CERTIFICATE)
        .filter(translation_key=job.course.translation_key)
        .exists()
    ):
        raise Http404
    return job


class BulkJobView(WagtailAdminTemplateMixin, TemplateView):
    """The progress of a bulk issue; the page polls the job row, so it survives
    a reload and can be opened again later."""

    template_name = "certificates/admin/bulk_job.html"
    page_title = _("Bulk issue")
    header_icon = "doc-full-inverse"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.job = _job_for(request, kwargs["pk"])
        return super().get(request, *args, **kwargs)

    def get_page_subtitle(self) -> str:
        return str(self.job.course.title)

    def get_breadcrumbs_items(self) -> list[dict]:
        # Without its own trail the header would name the last crumb: "Home".
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("certificates_admin:index"),
                "label": _("Issued certificates"),
            },
            {
                "url": "",
                "label": self.page_title,
                "sublabel": self.get_page_subtitle(),
            },
        ]

    def get_context_data(self, **kwargs) -> dict:
        job = self.job
        return {
            **super().get_context_data(**kwargs),
            "job": job,
            "finished": job.status
            in (BulkIssueJob.Status.FINISHED, BulkIssueJob.Status.FAILED),
            "status_url": reverse("certificates_admin:bulk_job_status", args=[job.pk]),
        }


def bulk_job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job_for(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": str(job.get_status_display()),
            "total": job.total,
            "done": job.done,
            "issued": job.issued,
            "skipped": job.skipped,
            "revoked": job.revoked,
            "failed": job.failed,
            "percent": job.percent,
            "finished": job.status
            in (BulkIssueJob.Status.FINISHED, BulkIssueJob.Status.FAILED),
        }
    )
