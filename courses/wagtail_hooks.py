from wagtail.snippets.models import register_snippet

from courses.admin_views import CohortViewSet, CompetenceViewSetGroup

register_snippet(CompetenceViewSetGroup)
register_snippet(CohortViewSet)
