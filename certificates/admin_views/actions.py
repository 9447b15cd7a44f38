"""Issuing one certificate by hand, re-issuing and revoking, in the admin."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from certificates.issuing import IssuingError, issue_certificate, reissue, revoke
from certificates.models import (
    Certificate,
)
from courses.admin_base import CourseChoiceField, IdChoiceField
from courses.models import Cohort, CoursePage, Enrolment
from courses.permissions import editable_cohorts, editable_course_keys, editable_courses

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


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
            Certificate.objects.filter(
                course_key__in=editable_course_keys(request.user)
            ),
            pk=kwargs["pk"],
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
    cohort = IdChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        help_text=_("Leave empty for every completed learner of the course."),
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["cohort"].queryset = editable_cohorts(user)

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
