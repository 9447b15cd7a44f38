"""Issuing one certificate by hand, re-issuing and revoking, in the admin."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
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

from certificates.issuing import (
    Corrections,
    IssuingError,
    issue_certificate,
    reissue,
    reissue_preview,
    revoke,
)
from certificates.models import (
    Certificate,
    CertificateTemplate,
)
from certificates.permissions import ISSUE_CERTIFICATE, REVOKE_CERTIFICATE
from certificates.printed import languages_of
from courses.admin_base import CourseChoiceField, IdChoiceField
from courses.models import Cohort, CoursePage, Enrolment
from courses.permissions import (
    Capability,
    cohorts_for,
    course_choices,
    courses_for,
    holds,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class StaffFormView(WagtailAdminTemplateMixin, FormView):
    """A form for staff who have its ``capability`` in at least one course."""

    template_name = "certificates/admin/form.html"
    header_icon = "doc-full"
    submit_label = _("Save")
    capability: Capability = ISSUE_CERTIFICATE

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not holds(request.user, self.capability):
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
        return {"submit_label": self.submit_label, **super().get_context_data(**kwargs)}


class CourseForm(forms.Form):
    course = CourseChoiceField(
        label=_("Course"), queryset=CoursePage.objects.none(), empty_label=None
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = course_choices(user, ISSUE_CERTIFICATE)


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

    def __init__(self, *args, certificate: Certificate, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.certificate = certificate


class CertificateActionView(StaffFormView):
    form_class = ReasonForm
    capability = REVOKE_CERTIFICATE

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        keys = courses_for(request.user, self.capability).values("translation_key")
        self.certificate = get_object_or_404(
            Certificate.objects.filter(course_key__in=keys).select_related("user"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "certificate": self.certificate}

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "certificate": self.certificate}


class RevokeForm(ReasonForm):
    category = forms.ChoiceField(
        label=_("Public reason"),
        choices=Certificate.RevocationCategory.choices,
        help_text=_("Shown on the public verification page."),
    )
    public_note = forms.CharField(
        label=_("Public note"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Optional; shown on the public verification page, e.g. which "
            "certificate replaces this one."
        ),
    )
    field_order = ["category", "public_note", "reason"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Internal reason")
        self.fields["reason"].help_text = _("For staff only; never shown publicly.")


class RevokeView(CertificateActionView):
    form_class = RevokeForm
    page_title = _("Revoke a certificate")
    submit_label = _("Revoke")

    def form_valid(self, form: RevokeForm) -> HttpResponse:
        try:
            revoke(
                self.certificate,
                form.cleaned_data["reason"],
                self.request.user,
                category=form.cleaned_data["category"],
                public_note=form.cleaned_data["public_note"],
            )
        except IssuingError as exc:
            form.add_error(None, str(exc))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Certificate %(serial)s is revoked.")
            % {"serial": self.certificate.serial},
        )
        return redirect("certificates_admin:index")


LANGUAGE_NAMES = dict(CertificateTemplate.Language.choices)


class ReissueForm(ReasonForm):
    """The reason, and corrections to what the certificate states; a field left
    empty keeps what the certificate says. A hidden field carries a fingerprint
    of the preview staff saw, so a re-issue happens only as previewed."""

    hours = forms.DecimalField(
        label=_("Corrected academic hours"),
        required=False,
        min_value=Decimal("0.5"),
        max_digits=6,
        decimal_places=1,
        help_text=_("Leave empty to keep the hours the certificate states."),
    )
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.languages = languages_of(self.certificate.language)
        for lang in self.languages:
            self.fields[f"course_title_{lang}"] = forms.CharField(
                label=_("Corrected course title (%(language)s)")
                % {"language": LANGUAGE_NAMES[lang]},
                max_length=500,
                required=False,
                help_text=_("Leave empty to keep the title the certificate states."),
            )
        self.order_fields(
            [*(f"course_title_{lang}" for lang in self.languages), "hours", "reason"]
        )

    def corrections(self) -> Corrections:
        data = self.cleaned_data
        return Corrections(
            course_titles={
                lang: data.get(f"course_title_{lang}", "") for lang in self.languages
            },
            hours=data.get("hours"),
        )


def fingerprint(changes: list) -> str:
    rows = [[c.label, c.current, c.new] for c in changes]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:32]


class ReissueView(CertificateActionView):
    form_class = ReissueForm
    page_title = _("Re-issue a certificate")
    submit_label = _("Preview")

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        if "preview" not in context:
            # The name as the account has it now is the usual change: show it
            # before anything is typed.
            context["preview"] = reissue_preview(self.certificate)
        return context

    def form_valid(self, form: ReissueForm) -> HttpResponse:
        corrections = form.corrections()
        preview = reissue_preview(self.certificate, corrections)
        seen = fingerprint(preview)
        if form.cleaned_data["previewed"] != seen:
            # Not confirmed yet, or changed since the preview: show what it does.
            data = form.data.copy()
            data["previewed"] = seen
            form = self.get_form_class()(data, certificate=self.certificate)
            form.is_valid()
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    preview=preview,
                    confirming=True,
                    submit_label=_("Confirm and re-issue"),
                )
            )
        try:
            new = reissue(
                self.certificate,
                form.cleaned_data["reason"],
                self.request.user,
                corrections,
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
        self.fields["cohort"].queryset = cohorts_for(user, ISSUE_CERTIFICATE)

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
