"""An administrator exports a person's data from the admin."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import ListingButton

from courses.privacy.export import zip_response
from courses.privacy.models import PrivacyLog

EXPORT_PERMISSION = "courses.export_person"


def may_export_people(user) -> bool:
    """Administrators only: a course's staff see their learners' progress, not
    everything a person has done on the site."""
    return user.has_perm(EXPORT_PERMISSION)


def export_person_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """A confirmation page; posting it downloads the person's ZIP (a POST, since
    every export is logged)."""
    if not may_export_people(request.user):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=user_id)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        return zip_response(
            person,
            PrivacyLog.Channel.ADMIN,
            request.user,
            reason=form.cleaned_data["reason"],
        )
    return TemplateResponse(
        request,
        "courses/admin/export_person.html",
        {
            "person": person,
            "name": person.get_full_name() or person.get_username(),
            "form": form,
        },
        status=400 if form.is_bound else 200,
    )


class ExportForm(forms.Form):
    """Why staff export a person's data: logged, so that every export answers a
    request someone can point to."""

    reason = forms.CharField(
        label=_("Why"),
        max_length=300,
        help_text=_(
            'The request this answers, e.g. "access request of 3 December". '
            "No personal data: it is kept in the log."
        ),
    )


def user_listing_buttons(user, request_user) -> list[ListingButton]:
    """Wagtail's ``register_user_listing_buttons`` hook: "Export data" in a user's
    menu, for those who may."""
    if not may_export_people(request_user):
        return []
    return [
        ListingButton(
            _("Export data"),
            reverse("courses_export_person", args=[user.pk]),
            icon_name="download",
            priority=50,
        )
    ]
