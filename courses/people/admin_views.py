"""Admin screens that keep a learner's account from being deleted half-way."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.users.utils import user_can_delete_user

from courses.people.removal import (
    deactivate,
    records_holding,
    refusal,
    refusal_summary,
)


def refuse_delete_user(request: HttpRequest, user) -> HttpResponse | None:
    """Wagtail's ``before_delete_user`` hook: a page that explains why the account
    stays, instead of the confirmation (and a server error after it)."""
    records = records_holding(user)
    if not records:
        return None
    return TemplateResponse(
        request,
        "courses/admin/delete_user_refused.html",
        {
            "target": user,
            "name": user.get_full_name() or user.get_username(),
            "records": records,
            "message": refusal(user, records),
        },
    )


def refuse_bulk_delete_users(
    request: HttpRequest, action_type: str, objects: list, action
) -> HttpResponse | None:
    """Wagtail's ``before_bulk_action`` hook: deleting several users deletes none
    while any of them holds learning records, and says which."""
    if action_type != "delete" or action.model is not get_user_model():
        return None
    refused = [(user, records_holding(user)) for user in objects]
    refused = [(user, records) for user, records in refused if records]
    if not refused:
        return None
    messages.error(request, refusal_summary(len(refused)))
    for user, records in refused:
        messages.error(request, refusal(user, records))
    # Back to the listing the action was started from.
    return redirect(
        action.next_url
        if request.GET.get("next")
        else reverse("wagtailusers_users:index")
    )


@require_POST
def deactivate_user(request: HttpRequest, user_id: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=user_id)
    if not user_can_delete_user(request.user, user):
        raise PermissionDenied
    deactivate(user)
    messages.success(
        request,
        _("%(name)s can no longer sign in; their records are kept.")
        % {"name": user.get_full_name() or user.get_username()},
    )
    return redirect("wagtailusers_users:index")
