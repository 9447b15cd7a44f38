"""Admin screens for certificates, declared as viewsets (wired in wagtail_hooks).

Staff see and act on the certificates of the courses they may edit, the same rule
as for enrolments (see :func:`courses.enrolment.admin.editable_courses`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import TYPE_CHECKING

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.snippets.views.snippets import (
    IndexView as SnippetIndexView,
)
from wagtail.snippets.views.snippets import (
    SnippetViewSet,
    SnippetViewSetGroup,
)

from certificates.issuing import (
    IssuingError,
    ensure_pdf,
    issue_certificate,
    reissue,
    revoke,
    sample_certificate,
    start_bulk_issue,
)
from certificates.models import (
    BulkIssueJob,
    Certificate,
    CertificateTemplate,
    CourseCertificateSettings,
)
from certificates.rendering import get_renderer
from courses.enrolment.admin import CourseChoiceField
from courses.models import Cohort, CoursePage, Enrolment
from courses.permissions import CourseRecordPermissionPolicy, editable_courses

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet


# Templates -------------------------------------------------------------------


def sample_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A sample certificate of a saved template."""
    template = get_object_or_404(CertificateTemplate, pk=pk)
    if not request.user.has_perm("certificates.change_certificatetemplate"):
        raise PermissionDenied
    pdf = get_renderer().render(sample_certificate(template))
    return HttpResponse(pdf, content_type="application/pdf")


class TemplateIndexView(SnippetIndexView):
    def get_list_more_buttons(self, instance: CertificateTemplate) -> list:
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(
                _("Sample PDF"),
                url=reverse("certificate_templates:sample", args=[instance.pk]),
                icon_name="doc-full",
                priority=15,
            ),
        ]


class CertificateTemplateViewSet(SnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full-inverse"
    menu_label = _("Templates")
    url_namespace = "certificate_templates"
    index_view_class = TemplateIndexView
    list_display = ["name", "language", "orientation", "is_default"]
    search_fields = ["name"]
    search_backend_name = None

    def get_urlpatterns(self) -> list:
        return [
            *super().get_urlpatterns(),
            path("sample/<int:pk>/", sample_pdf, name="sample"),
        ]


class CourseSettingsViewSet(SnippetViewSet):
    model = CourseCertificateSettings
    icon = "cog"
    menu_label = _("Course settings")
    list_display = ["course", "template", "issue_automatically"]


class TemplatesViewSetGroup(SnippetViewSetGroup):
    items = (CertificateTemplateViewSet, CourseSettingsViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = _("Certificate templates")
    menu_name = "certificate_templates"
    menu_order = 220


# Issued certificates ---------------------------------------------------------


def certificates_for(user: AbstractBaseUser) -> QuerySet[Certificate]:
    return Certificate.objects.filter(
        course_key__in=editable_courses(user).values("translation_key")
    )


class CertificatePermissionPolicy(CourseRecordPermissionPolicy):
    """Staff who may edit a course may see, issue and revoke its certificates.

    Certificates change only through :mod:`certificates.issuing`, so the admin
    offers no add, edit or delete screens for them.
    """


def _courses_for_request(request: HttpRequest | None) -> QuerySet[CoursePage]:
    if request is None:
        return CoursePage.objects.none()
    return editable_courses(request.user).order_by("title")


def _cohorts_for(user: AbstractBaseUser) -> QuerySet[Cohort]:
    return Cohort.objects.filter(
        course__translation_key__in=editable_courses(user).values("translation_key")
    ).select_related("course")


def _cohorts_for_request(request: HttpRequest | None) -> QuerySet[Cohort]:
    return Cohort.objects.none() if request is None else _cohorts_for(request.user)


class CertificateFilterSet(WagtailFilterSet):
    course = django_filters.ModelChoiceFilter(
        queryset=_courses_for_request,
        label=_("Course"),
        method="filter_course",
    )
    cohort = django_filters.ModelChoiceFilter(
        queryset=_cohorts_for_request, label=_("Cohort")
    )

    class Meta:
        model = Certificate
        fields = ["status", "course", "cohort"]

    def filter_course(self, queryset, name, value):
        # Both language versions of a course share their certificates.
        return queryset.filter(course_key=value.translation_key)


class CertificateIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[Certificate]:
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        ).select_related("cohort")

    def get_list_more_buttons(self, instance: Certificate) -> list:
        buttons = [
            MenuItem(
                _("Download PDF"),
                url=instance.get_download_url(),
                icon_name="download",
                priority=10,
            ),
            MenuItem(
                _("Verification page"),
                url=instance.get_absolute_url(),
                icon_name="link-external",
                priority=20,
            ),
        ]
        if instance.status == Certificate.Status.VALID:
            buttons += [
                MenuItem(
                    _("Re-issue"),
                    url=reverse("certificates_admin:reissue", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=30,
                ),
                MenuItem(
                    _("Revoke"),
                    url=reverse("certificates_admin:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                ),
            ]
        return buttons

    @cached_property
    def header_more_buttons(self) -> list:
        return [
            HeaderButton(
                _("Issue one"),
                url=reverse("certificates_admin:issue"),
                icon_name="plus",
            ),
            HeaderButton(
                _("Bulk issue"),
                url=reverse("certificates_admin:bulk"),
                icon_name="doc-full-inverse",
            ),
            HeaderButton(
                _("Download ZIP"),
                url=reverse("certificates_admin:zip_form"),
                icon_name="download",
            ),
        ]


class CertificateViewSet(ModelViewSet):
    """Issued certificates of the staff member's courses."""

    model = Certificate
    name = "certificates_admin"
    url_prefix = "certificates"
    icon = "doc-full"
    menu_label = _("Certificates")
    add_to_admin_menu = True
    menu_order = 215
    index_view_class = CertificateIndexView
    list_display = [
        "serial",
        Column("learner_name", label=_("Name"), sort_key="learner_name"),
        "course_title",
        "cohort",
        "hours",
        "status",
        DateColumn("issued_at", label=_("Issued"), sort_key="issued_at"),
        "issued_how",
    ]
    filterset_class = CertificateFilterSet
    search_fields = ["learner_name", "serial"]
    search_backend_name = None
    copy_view_enabled = False

    def get_urlpatterns(self) -> list:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("issue/", IssueView.as_view(), name="issue"),
            path("<int:pk>/revoke/", RevokeView.as_view(), name="revoke"),
            path("<int:pk>/reissue/", ReissueView.as_view(), name="reissue"),
            path("bulk/", BulkIssueView.as_view(), name="bulk"),
            path("bulk/<int:pk>/", BulkJobView.as_view(), name="bulk_job"),
            path("bulk/<int:pk>/status/", bulk_job_status, name="bulk_job_status"),
            path("zip/", ZipFormView.as_view(), name="zip_form"),
            path("zip/download/", download_zip, name="zip"),
        ]

    def get_permissions_to_register(self) -> QuerySet:
        # Access follows page permissions (CertificatePermissionPolicy).
        return Permission.objects.none()


# Forms and actions -------------------------------------------------------------


class StaffFormView(WagtailAdminTemplateMixin, FormView):
    """A form for staff who may edit at least one course."""

    template_name = "certificates/admin/form.html"
    header_icon = "doc-full"
    submit_label = _("Save")

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not editable_courses(request.user).exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict]:
        return [
            *self.breadcrumbs_items,
            {
                "url": reverse("certificates_admin:index"),
                "label": _("Issued certificates"),
            },
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "submit_label": self.submit_label}


class CourseForm(forms.Form):
    course = CourseChoiceField(
        label=_("Course"), queryset=CoursePage.objects.none(), empty_label=None
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = (
            editable_courses(user).select_related("locale").order_by("title")
        )


class IssueForm(CourseForm):
    email = forms.EmailField(label=_("Learner's e-mail"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Recorded with the certificate, e.g. attendance recorded on paper."
        ),
    )

    def clean(self) -> dict:
        data = super().clean()
        course, email = data.get("course"), data.get("email")
        if course and email:
            data["enrolment"] = (
                Enrolment.objects.filter(
                    course_key=course.translation_key, user__email__iexact=email
                )
                .select_related("user", "course", "cohort")
                .first()
            )
            if data["enrolment"] is None:
                raise forms.ValidationError(
                    _("No learner with this e-mail is enrolled in this course.")
                )
        return data


class IssueView(StaffFormView):
    form_class = IssueForm
    page_title = _("Issue a certificate")
    submit_label = _("Issue")

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: IssueForm) -> HttpResponse:
        try:
            certificate = issue_certificate(
                form.cleaned_data["enrolment"],
                how=Certificate.How.MANUAL,
                reason=form.cleaned_data["reason"],
                actor=self.request.user,
            )
        except IssuingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Certificate %(serial)s for %(name)s.")
            % {"serial": certificate.serial, "name": certificate.learner_name},
        )
        return redirect("certificates_admin:index")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class CertificateActionView(StaffFormView):
    form_class = ReasonForm

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.certificate = get_object_or_404(
            certificates_for(request.user), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "certificate": self.certificate}


class RevokeView(CertificateActionView):
    page_title = _("Revoke a certificate")
    submit_label = _("Revoke")

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        try:
            revoke(self.certificate, form.cleaned_data["reason"], self.request.user)
        except IssuingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Certificate %(serial)s is revoked.")
            % {"serial": self.certificate.serial},
        )
        return redirect("certificates_admin:index")


class ReissueView(CertificateActionView):
    page_title = _("Re-issue a certificate")
    submit_label = _("Re-issue")

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        try:
            new = reissue(
                self.certificate, form.cleaned_data["reason"], self.request.user
            )
        except IssuingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Certificate %(new)s replaces %(old)s.")
            % {"new": new.serial, "old": self.certificate.serial},
        )
        return redirect("certificates_admin:index")


class CohortForm(CourseForm):
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        help_text=_("Leave empty for every completed learner of the course."),
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["cohort"].queryset = _cohorts_for(user)

    def clean(self) -> dict:
        data = super().clean()
        course, cohort = data.get("course"), data.get("cohort")
        if (
            course
            and cohort
            and cohort.course.translation_key != course.translation_key
        ):
            raise forms.ValidationError(_("That cohort belongs to another course."))
        return data


class BulkIssueView(StaffFormView):
    form_class = CohortForm
    page_title = _("Bulk issue")
    submit_label = _("Issue certificates")

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form: CohortForm) -> HttpResponse:
        from certificates.tasks import bulk_issue

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
        not editable_courses(request.user)
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

    def get_context_data(self, **kwargs) -> dict:
        job = _job_for(self.request, kwargs["pk"])
        return {
            **super().get_context_data(**kwargs),
            "job": job,
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
            "failed": job.failed,
            "percent": job.percent,
            "finished": job.status
            in (BulkIssueJob.Status.FINISHED, BulkIssueJob.Status.FAILED),
        }
    )


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


def zip_stream(certificates: QuerySet[Certificate]) -> Iterator[bytes]:
    """The certificates' PDFs as a ZIP, produced chunk by chunk."""
    pipe = _Pipe()
    renderer = get_renderer()
    # PDFs are compressed already: storing them is as small and much faster.
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates.iterator(chunk_size=100):
            ensure_pdf(certificate)
            name = f"{certificate.learner_name} {renderer.filename(certificate)}"
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
        editable_courses(request.user), pk=request.GET.get("course") or 0
    )
    certificates = Certificate.objects.filter(
        course_key=course.translation_key, status=Certificate.Status.VALID
    ).order_by("learner_name", "pk")
    name = course.slug
    if cohort_id := request.GET.get("cohort"):
        cohort = get_object_or_404(
            Cohort, pk=cohort_id, course__translation_key=course.translation_key
        )
        certificates = certificates.filter(cohort=cohort)
        name += f"-{cohort.pk}"
    response = StreamingHttpResponse(
        zip_stream(certificates), content_type="application/zip"
    )
    response["Content-Disposition"] = f'attachment; filename="{name}-certificates.zip"'
    return response
