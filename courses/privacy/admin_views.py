"""An administrator exports a person's data from the admin."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.widgets import ListingButton
from wagtail.permission_policies import BasePermissionPolicy

from courses.admin_base import ListingOnlyViewSet
from courses.privacy.erasure import erase_person, erasure_plan, last_erasure
from courses.privacy.export import zip_response
from courses.privacy.models import PrivacyLog
from courses.privacy.registry import Strategy

EXPORT_PERMISSION = "courses.export_person"
ERASE_PERMISSION = "courses.erase_person"


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


class EraseForm(ExportForm):
    """Erasing cannot be undone: staff give the reason and type the person's
    e-mail address (or user name) to confirm whom they erase."""

    confirm = forms.CharField(
        label=_("Type the e-mail address to confirm"),
        max_length=254,
    )

    def __init__(self, *args, expected: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.expected = expected

    def clean_confirm(self) -> str:
        typed = self.cleaned_data["confirm"].strip()
        if typed.casefold() != self.expected.casefold():
            raise forms.ValidationError(
                _("This is not the address of the person being erased.")
            )
        return typed


#: What each strategy does, as the confirmation page says it.
STRATEGY_EFFECTS = {
    Strategy.DELETE: _("deleted"),
    Strategy.ANONYMISE: _("kept without personal details"),
    Strategy.TOMBSTONE: _("kept as a record that names nobody"),
}


def erase_person_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """A confirmation listing what will go; posting it erases the person."""
    if not request.user.has_perm(ERASE_PERMISSION):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=user_id)
    if person.pk == request.user.pk:
        raise PermissionDenied
    erased = last_erasure(person)
    expected = person.email or person.get_username()
    form = EraseForm(
        request.POST if request.method == "POST" and erased is None else None,
        expected=expected,
    )
    if form.is_valid():
        erase_person(
            person,
            channel=PrivacyLog.Channel.ADMIN,
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            request,
            _("The personal data of user %(id)s was erased.") % {"id": person.pk},
        )
        return redirect("wagtailusers_users:index")
    plan = [(item, STRATEGY_EFFECTS[item.strategy]) for item in erasure_plan(person)]
    return TemplateResponse(
        request,
        "courses/admin/erase_person.html",
        {
            "person": person,
            "name": person.get_full_name() or person.get_username(),
            "form": form,
            "plan": plan,
            "erased": erased,
        },
        status=400 if form.is_bound else 200,
    )


def user_listing_buttons(user, request_user) -> list[ListingButton]:
    """Wagtail's ``register_user_listing_buttons`` hook: "Export data" and "Erase
    data" in a user's menu, for those who may."""
    buttons = []
    if may_export_people(request_user):
        buttons.append(
            ListingButton(
                _("Export data"),
                reverse("courses_export_person", args=[user.pk]),
                icon_name="download",
                priority=50,
            )
        )
    if request_user.has_perm(ERASE_PERMISSION) and user.pk != request_user.pk:
        buttons.append(
            ListingButton(
                _("Erase data"),
                reverse("courses_erase_person", args=[user.pk]),
                icon_name="bin",
                priority=60,
            )
        )
    return buttons


class PrivacyLogPermissionPolicy(BasePermissionPolicy):
    """Those who may export or erase people's data read the log of it; nobody
    changes it."""

    def user_has_permission(self, user, action: str) -> bool:
        return (
            action == "view"
            and user.is_active
            and (user.has_perm(EXPORT_PERMISSION) or user.has_perm(ERASE_PERMISSION))
        )

    def users_with_any_permission(self, actions) -> QuerySet:
        return get_user_model()._default_manager.none()

    def user_has_permission_for_instance(self, user, action: str, instance) -> bool:
        return self.user_has_permission(user, action)

    def instances_user_has_any_permission_for(self, user, actions) -> QuerySet:
        if any(self.user_has_permission(user, action) for action in actions):
            return PrivacyLog.objects.all()
        return PrivacyLog.objects.none()


class PrivacyLogViewSet(ListingOnlyViewSet):
    """The privacy log under Settings: every export and erasure, by user id."""

    model = PrivacyLog
    permission_policy = PrivacyLogPermissionPolicy(PrivacyLog)
    name = "privacy_log"
    url_prefix = "privacy-log"
    icon = "history"
    menu_label = _("Privacy log")
    add_to_settings_menu = True
    list_display = [
        DateColumn("at", label=_("When"), sort_key="at"),
        "action",
        "channel",
        Column("subject_user_id", label=_("Whose data (user id)")),
        Column("actor_user_id", label=_("Done by (user id)")),
        "reason",
    ]
    list_filter = ["action", "channel"]
    inspect_view_enabled = False
