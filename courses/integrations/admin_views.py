"""Webhooks in the admin: endpoints (add, edit, delete), their delivery log and
"send again".

Only those with the webhook endpoint permissions (superusers by default) reach
these screens: an endpoint is told about every course, so they are an
administrator's, not a course team's. The delivery log follows the same
permission; nobody edits a delivery."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from courses.admin_base import ListingOnlyViewSet
from courses.integrations.delivery import send_again
from courses.integrations.models import (
    Event,
    WebhookDelivery,
    WebhookEndpoint,
)
from courses.integrations.tasks import deliver_integrations
from courses.integrations.webhooks import check_webhook_url

MANAGE_PERMISSION = "courses.change_webhookendpoint"


class WebhookEndpointForm(WagtailAdminModelForm):
    """The events as checkboxes; the address checked (HTTPS, public, not this
    site); the secret shown once the endpoint exists, never edited."""

    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this endpoint is sent."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "events", "active", "secret"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # Generated on saving; shown on the edit screen from then on.
            del self.fields["secret"]
        else:
            secret = self.fields["secret"]
            secret.disabled = True
            secret.help_text = _(
                "Give it to whoever runs the receiver: it checks each delivery's "
                "X-LMS-Signature with it (see docs/integrations.md)."
            )

    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "An HTTPS address outside this site, e.g. https://hr.example.lv/lms"
        ),
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        check_webhook_url(url)
        return url


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link-external"
    menu_label = _("Webhooks")
    add_to_settings_menu = True
    name = "webhook_endpoints"
    copy_view_enabled = False
    search_fields = ["name", "url"]

    def get_form_class(self, for_update: bool = False) -> type[WebhookEndpointForm]:
        return WebhookEndpointForm

    @property
    def list_display(self) -> list:
        return [
            TitleColumn("name", label=_("Name"), url_name=self.get_url_name("edit")),
            Column("url", label=_("URL")),
            Column("active", label=_("Active")),
            DeliveryLogColumn("log", label=_("Delivery log")),
        ]


class DeliveryLogColumn(Column):
    def get_value(self, instance: WebhookEndpoint) -> str:
        url = reverse("webhook_deliveries:index")
        return format_html(
            '<a href="{}?endpoint={}">{}</a>', url, instance.pk, _("Deliveries")
        )


class DeliveryPermissionPolicy(ModelPermissionPolicy):
    """Those who manage endpoints read their log; nobody adds or edits a
    delivery by hand."""

    def user_has_permission(self, user, action: str) -> bool:
        return action == "view" and user.has_perm(MANAGE_PERMISSION)

    def users_with_any_permission(self, actions):
        return self._get_users_with_any_permission_codenames(["change_webhookendpoint"])


class DeliveryFilterSet(WagtailFilterSet):
    class Meta:
        model = WebhookDelivery
        fields = ["endpoint", "status", "event"]


class SendAgainColumn(Column):
    cell_template_name = "courses/admin/integrations/send_again_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["action"] = reverse("webhook_deliveries:send_again", args=[instance.pk])
        context["request"] = parent_context.get("request")
        return context


class SendAgainView(View):
    """POST: queue one delivery again (a new 24 hours of retries)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm(MANAGE_PERMISSION):
            raise PermissionDenied
        with transaction.atomic():
            count = send_again(WebhookDelivery.objects.filter(pk=pk))
            if count:
                transaction.on_commit(deliver_integrations.enqueue)
        if count:
            # Translated now, in the admin's language: a lazy text would be
            # translated when the message is stored, after Wagtail's override.
            messages.success(
                request, gettext("The delivery is queued to be sent again.")
            )
        else:
            messages.error(
                request,
                gettext("That delivery no longer exists or is being sent right now."),
            )
        return redirect("webhook_deliveries:index")


class DeliveryIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[WebhookDelivery]:
        # The endpoint's name in one query; the payloads are not shown.
        return WebhookDelivery.objects.select_related("endpoint").defer("payload")


class WebhookDeliveryViewSet(ListingOnlyViewSet):
    model = WebhookDelivery
    index_view_class = DeliveryIndexView
    icon = "list-ul"
    name = "webhook_deliveries"
    menu_label = _("Webhook deliveries")
    add_to_admin_menu = False
    permission_policy = DeliveryPermissionPolicy(WebhookDelivery)
    filterset_class = DeliveryFilterSet
    exclude_form_fields = ["payload", "claim"]
    list_per_page = 50

    @property
    def list_display(self) -> list:
        return [
            Column("event", label=_("Event"), accessor="get_event_display"),
            Column("endpoint", label=_("Endpoint")),
            Column("status", label=_("Status"), accessor="get_status_display"),
            Column("attempts", label=_("Attempts")),
            Column("last_status_code", label=_("Last response code")),
            Column("last_error", label=_("Last error")),
            DateColumn("created_at", label=_("Created")),
            DateColumn("next_attempt_at", label=_("Next attempt")),
            SendAgainColumn("send_again", label=_("Send again")),
        ]

    def get_extra_urlpatterns(self) -> list:
        # The log and "send again" only: a delivery is never added or edited.
        return [
            path("send-again/<id:pk>/", SendAgainView.as_view(), name="send_again"),
        ]
