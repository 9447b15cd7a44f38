from django.urls import path
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from courses.admin_views import (
    CohortViewSet,
    CompetenceViewSetGroup,
    EnrolmentPermissionPolicy,
    LearnersViewSetGroup,
    LiveSessionPermissionPolicy,
    LiveSessionViewSet,
)
from courses.assessment_admin import (
    AssessmentViewSetGroup,
    SubmissionPermissionPolicy,
    SubmissionViewSet,
)
from courses.catalogue.access import gate
from courses.catalogue.context import add_learner_context
from courses.catalogue.models import PAGE_CONTEXT_HOOK
from courses.live_sessions.context import add_sessions_context
from courses.models import AssignmentSubmission, Enrolment, LiveSession
from courses.person_records_views import (
    deactivate_user,
    refuse_bulk_delete_users,
    refuse_delete_user,
)
from courses.reports.panels import ReportsPanel
from courses.reports.views import ReportsViewSet
from courses.task_queue_panel import TaskQueuePanel

# Before any viewset asks for Enrolment's policy, or Wagtail makes a default one.
register_permission_policy(Enrolment, EnrolmentPermissionPolicy(Enrolment))

register_snippet(CompetenceViewSetGroup)
register_snippet(CohortViewSet)
register_snippet(AssessmentViewSetGroup)


@hooks.register("register_admin_viewset")
def register_learners_viewsets() -> LearnersViewSetGroup:
    return LearnersViewSetGroup()


register_permission_policy(LiveSession, LiveSessionPermissionPolicy(LiveSession))
register_snippet(LiveSessionViewSet)

register_permission_policy(
    AssignmentSubmission, SubmissionPermissionPolicy(AssignmentSubmission)
)


@hooks.register("register_admin_viewset")
def register_submissions_viewset() -> SubmissionViewSet:
    return SubmissionViewSet()


@hooks.register("register_admin_viewset")
def register_reports_viewset() -> ReportsViewSet:
    return ReportsViewSet()


@hooks.register("construct_homepage_panels")
def add_reports_panel(request, panels: list) -> None:
    panels.append(ReportsPanel())


@hooks.register("construct_homepage_panels")
def add_task_queue_panel(request, panels: list) -> None:
    panels.append(TaskQueuePanel())


hooks.register("before_delete_user", refuse_delete_user)
hooks.register("before_bulk_action", refuse_bulk_delete_users)


@hooks.register("register_admin_urls")
def register_person_records_urls() -> list:
    return [
        path(
            "accounts/<int:user_id>/deactivate/",
            deactivate_user,
            name="courses_deactivate_user",
        )
    ]


# What learners see of course pages: who may open them, then enrolment and
# progress, then live sessions (which need the enrolment).
hooks.register("before_serve_page", gate)
hooks.register(PAGE_CONTEXT_HOOK, add_learner_context, order=0)
hooks.register(PAGE_CONTEXT_HOOK, add_sessions_context, order=10)
