from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from courses.admin_views import (
    CohortViewSet,
    CompetenceViewSetGroup,
    EnrolmentPermissionPolicy,
    LearnersViewSetGroup,
)
from courses.models import Enrolment

# Before any viewset asks for Enrolment's policy, or Wagtail makes a default one.
register_permission_policy(Enrolment, EnrolmentPermissionPolicy(Enrolment))

register_snippet(CompetenceViewSetGroup)
register_snippet(CohortViewSet)


@hooks.register("register_admin_viewset")
def register_learners_viewsets() -> LearnersViewSetGroup:
    return LearnersViewSetGroup()
