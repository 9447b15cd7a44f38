"""LTI in the admin: the platforms registered to launch our courses (add, edit,
and the addresses their administrators paste), and the score passbacks sent to
them, with "send again".

Only those with the registration permissions (superusers and site
administrators, to whom ``setup_roles`` gives every permission) reach these
screens. A registration decides who may sign in as whom (trusted e-mails) and
who becomes a tutor (instructors), for every course: a site's security
setting, not a programme's, so programme administrators do not get it. The
passbacks follow the same permission; nobody edits one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Max, OuterRef, Subquery, When
from django.db.models import Value as V
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from courses.admin_base import IdChoiceFilter, ListingOnlyViewSet
from courses.catalogue.models import CoursePage
from courses.integrations.delivery import send_again
from courses.integrations.models import OutboxStatus
from courses.lti.admin_forms import LtiRegistrationForm
from courses.lti.models import (
    LtiRegistration,
    LtiResourceLink,
    LtiScorePassback,
)
from courses.lti.tasks import send_scores
from courses.site import base_url

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

MANAGE_PERMISSION = "courses.change_ltiregistration"


def platform_values(registration: LtiRegistration) -> list[tuple[str, str]]:
    """What the platform's administrator pastes into the tool's settings
    (Moodle's field names), absolute on the site's public address."""
    site = base_url()
    launch = site + reverse("lti:launch")
    return [
        (gettext("Tool URL and redirection URI"), launch),
        (
            gettext("Initiate login URL"),
            site + reverse("lti:login", args=[registration.uuid]),
        ),
        (gettext("Public keyset URL"), site + reverse("lti:jwks")),
        (
            gettext("All of these as JSON"),
            site + reverse("lti:config", args=[registration.uuid]),
        ),
        (gettext("Custom parameters of a link"), "course=<slug>"),
    ]


class RegistrationCreateView(CreateView):
    template_name = "courses/admin/lti/registration_create.html"


class RegistrationEditView(EditView):
    """The form, and above it the values to paste into the platform."""

    template_name = "courses/admin/lti/registration_edit.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["platform_values"] = platform_values(self.object)
        return context


class RegistrationDeleteView(DeleteView):
    """A registration whose links were launched is kept: its links, learners'
    grade links and queued scores would go with it. Turning it off stops its
    launches and keeps them."""

    def form_valid(self, form) -> HttpResponse:
        if LtiResourceLink.objects.filter(
            deployment__registration=self.object
        ).exists():
            messages.error(
                self.request,
                gettext(
                    "%(platform)s cannot be deleted: links on it were launched, "
                    "and their scores are sent through it. Turn it off instead."
                )
                % {"platform": self.object},
            )
            return redirect("lti_registrations:edit", self.object.pk)
        return super().form_valid(form)


class RegistrationIndexView(IndexView):
    # The menu's name for them, and a button that says what it adds (Wagtail's
    # "Add <model>" cannot decline the name in Latvian).
    page_title = _("LTI platforms")
    add_item_label = _("Add a platform")

    def get_base_queryset(self) -> QuerySet[LtiRegistration]:
        return LtiRegistration.objects.annotate(
            deployment_count=Count("deployments", distinct=True),
            last_launch=Max("deployments__resource_links__updated_at"),
        ).order_by("name", "pk")


class YesNoColumn(Column):
    def get_value(self, instance) -> str:
        return gettext("Yes") if super().get_value(instance) else gettext("No")


class PassbacksColumn(Column):
    def get_value(self, instance: LtiRegistration) -> str:
        url = reverse("lti_passbacks:index")
        return format_html(
            '<a href="{}?platform={}">{}</a>', url, instance.pk, _("Score passbacks")
        )


class LtiRegistrationViewSet(ModelViewSet):
    model = LtiRegistration
    icon = "link-external"
    menu_label = _("LTI platforms")
    add_to_settings_menu = True
    name = "lti_registrations"
    copy_view_enabled = False
    search_fields = ["name", "issuer"]
    index_view_class = RegistrationIndexView
    add_view_class = RegistrationCreateView
    edit_view_class = RegistrationEditView
    delete_view_class = RegistrationDeleteView

    def get_form_class(self, for_update: bool = False) -> type[LtiRegistrationForm]:
        return LtiRegistrationForm

    @property
    def list_display(self) -> list:
        return [
            TitleColumn("name", label=_("Name"), url_name=self.get_url_name("edit")),
            Column("issuer", label=_("Platform ID (issuer)")),
            YesNoColumn("is_active", label=_("Active")),
            Column("deployment_count", label=_("Deployments")),
            DateColumn("last_launch", label=_("Last launch")),
            PassbacksColumn("passbacks", label=_("Score passbacks")),
        ]


# Score passbacks ---------------------------------------------------------------


class PassbackPermissionPolicy(ModelPermissionPolicy):
    """Those who manage registrations read their passbacks; nobody adds or
    edits one by hand."""

    def user_has_permission(self, user, action: str) -> bool:
        return action == "view" and user.has_perm(MANAGE_PERMISSION)

    def users_with_any_permission(self, actions):
        return self._get_users_with_any_permission_codenames(["change_ltiregistration"])


class PassbackFilterSet(WagtailFilterSet):
    platform = IdChoiceFilter(
        field_name="grade_link__resource_link__deployment__registration",
        queryset=LtiRegistration.objects.order_by("name"),
        label=_("Platform"),
    )

    class Meta:
        model = LtiScorePassback
        fields = ["platform", "status"]


class SendAgainColumn(Column):
    """The webhooks' "send again" button, on failed rows only."""

    cell_template_name = "courses/admin/lti/send_again_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["failed"] = instance.status == OutboxStatus.FAILED
        context["action"] = reverse("lti_passbacks:send_again", args=[instance.pk])
        context["request"] = parent_context.get("request")
        return context


def _score(row: LtiScorePassback) -> str:
    payload = row.payload or {}
    return f"{payload.get('scoreGiven', '')} / {payload.get('scoreMaximum', '')}"


def _learner(row: LtiScorePassback) -> str:
    user = row.grade_link.user
    return user.get_full_name() or user.get_username()


class SendAgainView(View):
    """POST: queue one failed passback again (a new 24 hours of retries)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm(MANAGE_PERMISSION):
            raise PermissionDenied
        with transaction.atomic():
            count = send_again(
                LtiScorePassback.objects.filter(pk=pk, status=OutboxStatus.FAILED)
            )
            if count:
                transaction.on_commit(send_scores.enqueue)
        if count:
            messages.success(request, gettext("The score is queued to be sent again."))
        else:
            messages.error(
                request,
                gettext("That score has not failed, or it no longer exists."),
            )
        return redirect("lti_passbacks:index")


class PassbackIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[LtiScorePassback]:
        # The course's title in the admin's language when it is translated.
        titles = (
            CoursePage.objects.filter(
                translation_key=OuterRef("grade_link__resource_link__course_key")
            )
            .annotate(
                mine=Case(
                    When(locale__language_code=get_language(), then=V(0)),
                    default=V(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("mine", "pk")
            .values("title")[:1]
        )
        return LtiScorePassback.objects.select_related(
            "grade_link__user",
            "grade_link__resource_link__deployment__registration",
        ).annotate(course_title=Subquery(titles))


class LtiScorePassbackViewSet(ListingOnlyViewSet):
    model = LtiScorePassback
    icon = "list-ul"
    name = "lti_passbacks"
    menu_label = _("LTI score passbacks")
    add_to_admin_menu = False
    permission_policy = PassbackPermissionPolicy(LtiScorePassback)
    filterset_class = PassbackFilterSet
    index_view_class = PassbackIndexView
    list_per_page = 50

    @property
    def list_display(self) -> list:
        return [
            Column("learner", label=_("Learner"), accessor=_learner),
            Column(
                "platform",
                label=_("Platform"),
                accessor="grade_link.resource_link.deployment.registration.name",
            ),
            Column("course_title", label=_("Course")),
            Column("score", label=_("Score"), accessor=_score),
            Column("status", label=_("Status"), accessor="get_status_display"),
            Column("attempts", label=_("Attempts")),
            Column("last_error", label=_("Last error")),
            DateColumn("created_at", label=_("Created")),
            DateColumn("last_attempt_at", label=_("Last attempt")),
            SendAgainColumn("send_again", label=_("Send again")),
        ]

    def get_extra_urlpatterns(self) -> list:
        # The log and "send again" only: a passback is never added or edited.
        return [
            path("send-again/<id:pk>/", SendAgainView.as_view(), name="send_again"),
        ]
