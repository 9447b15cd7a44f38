"""Wiring only: each feature's admin screens, permission policies, home-page panels
and page hooks, registered with Wagtail. The screens themselves live in each
feature's ``admin_views.py`` (Wagtail viewsets and admin views;
Django's own admin is not installed)."""

from functools import partial

from django.contrib.auth.models import Permission
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from courses.activities.admin_views import ActivityViewSet
from courses.api_tokens.admin_views import (
    TokensMenuItem,
    token_create,
    token_list,
    token_revoke,
)
from courses.assignments.admin_views import (
    AssignmentViewSet,
    SubmissionViewSet,
)
from courses.catalogue.access import gate
from courses.catalogue.context import add_learner_context
from courses.catalogue.drift import warn_before_publish, warn_on_edit
from courses.catalogue.models import PAGE_CONTEXT_HOOK
from courses.catalogue.publishing import warn_incomplete
from courses.compat import use_permission_policy
from courses.competences.admin_views import CompetenceViewSetGroup
from courses.enrolment.admin_views import (
    CohortViewSet,
    EnrolmentViewSet,
    LearnersViewSetGroup,
)
from courses.integrations.admin_views import (
    WebhookDeliveryViewSet,
    WebhookEndpointViewSet,
)
from courses.live_sessions.admin_views import LiveSessionViewSet
from courses.live_sessions.context import add_sessions_context
from courses.lti.admin_views import LtiRegistrationViewSet, LtiScorePassbackViewSet
from courses.lti.models import LtiScorePassback
from courses.models import (
    AssignmentSubmission,
    Cohort,
    Enrolment,
    LiveSession,
    PrivacyLog,
    WebhookDelivery,
)
from courses.people.admin_views import (
    deactivate_user,
    refuse_bulk_delete_users,
    refuse_delete_user,
)
from courses.privacy.admin_views import (
    PrivacyLogViewSet,
    erase_person_view,
    export_person_view,
    user_listing_buttons,
)
from courses.quizzes.admin_views import QuizViewSet
from courses.reports.listing import REPORTS
from courses.reports.menu import report_menu_item
from courses.reports.panels import add_summary_items
from courses.reports.views import ReportsViewSet
from courses.task_queue.panel import TaskQueuePanel

# Learner records are open to the staff of their course only. The policies are
# registered before any viewset asks for them, or Wagtail would make default ones.
use_permission_policy(Cohort, CohortViewSet.permission_policy)
use_permission_policy(Enrolment, EnrolmentViewSet.permission_policy)
use_permission_policy(LiveSession, LiveSessionViewSet.permission_policy)
use_permission_policy(AssignmentSubmission, SubmissionViewSet.permission_policy)
use_permission_policy(PrivacyLog, PrivacyLogViewSet.permission_policy)
use_permission_policy(WebhookDelivery, WebhookDeliveryViewSet.permission_policy)
use_permission_policy(LtiScorePassback, LtiScorePassbackViewSet.permission_policy)


class AssessmentViewSetGroup(SnippetViewSetGroup):
    """Quizzes, assignments and e-learning activities under one menu item."""

    items = (QuizViewSet, AssignmentViewSet, ActivityViewSet)
    menu_icon = "help"
    menu_label = _("Assessment")
    menu_name = "assessment"
    menu_order = 206


register_snippet(CompetenceViewSetGroup)
register_snippet(CohortViewSet)
register_snippet(AssessmentViewSetGroup)
register_snippet(LiveSessionViewSet)


@hooks.register("register_admin_viewset")
def register_learners_viewsets() -> LearnersViewSetGroup:
    return LearnersViewSetGroup()


@hooks.register("register_admin_viewset")
def register_submissions_viewset() -> SubmissionViewSet:
    return SubmissionViewSet()


@hooks.register("register_admin_viewset")
def register_reports_viewset() -> ReportsViewSet:
    return ReportsViewSet()


for _name, _label in REPORTS:
    hooks.register("register_reports_menu_item", partial(report_menu_item, _name))


@hooks.register("register_admin_viewset")
def register_privacy_log_viewset() -> PrivacyLogViewSet:
    return PrivacyLogViewSet()


@hooks.register("register_admin_viewset")
def register_webhook_viewsets() -> list:
    return [WebhookEndpointViewSet(), WebhookDeliveryViewSet()]


@hooks.register("register_admin_viewset")
def register_lti_viewsets() -> list:
    return [LtiRegistrationViewSet(), LtiScorePassbackViewSet()]


@hooks.register("register_permissions")
def register_capability_permissions():
    # The group editor's "Other permissions": each grants its capability for
    # every course (courses.permissions), as the programme administrators'.
    return Permission.objects.filter(
        content_type__app_label="courses",
        codename__in=[
            "view_progress",
            "export_personal_data",
            "manage_enrolment",
            "review_submission",
            "take_attendance",
            "manage_api_tokens",
            "change_livesession",
        ],
    )


@hooks.register("construct_homepage_panels")
def add_home_panels(request, panels: list) -> None:
    panels.append(TaskQueuePanel())


hooks.register("construct_homepage_summary_items", add_summary_items)


# Deleting a learner's account: refused with reasons while records hold it.
hooks.register("before_delete_user", refuse_delete_user)
hooks.register("before_bulk_action", refuse_bulk_delete_users)


@hooks.register("register_admin_urls")
def register_people_urls() -> list:
    return [
        path(
            "accounts/<id:user_id>/deactivate/",
            deactivate_user,
            name="courses_deactivate_user",
        ),
        path(
            "accounts/<id:user_id>/export/",
            export_person_view,
            name="courses_export_person",
        ),
        path(
            "accounts/<id:user_id>/erase/",
            erase_person_view,
            name="courses_erase_person",
        ),
    ]


hooks.register("register_user_listing_buttons", user_listing_buttons)


@hooks.register("register_admin_urls")
def register_api_token_urls() -> list:
    return [
        path("api-tokens/", token_list, name="courses_api_tokens"),
        path("api-tokens/add/", token_create, name="courses_api_tokens_add"),
        path(
            "api-tokens/<id:token_id>/revoke/",
            token_revoke,
            name="courses_api_tokens_revoke",
        ),
    ]


@hooks.register("register_settings_menu_item")
def register_api_tokens_menu_item() -> TokensMenuItem:
    return TokensMenuItem(
        _("API tokens"), reverse("courses_api_tokens"), icon_name="key", order=610
    )


# What learners see of course pages: who may open them, then enrolment and
# progress, then live sessions (which need the enrolment).
hooks.register("before_serve_page", gate)
hooks.register(PAGE_CONTEXT_HOOK, add_learner_context, order=0)
hooks.register(PAGE_CONTEXT_HOOK, add_sessions_context, order=10)

# Authors see what a course's language versions do not share before publishing.
hooks.register("before_edit_page", warn_on_edit)
hooks.register("before_publish_page", warn_before_publish)
# Publishing a module before its lessons is allowed; its author hears what is missing.
hooks.register("after_publish_page", warn_incomplete)
