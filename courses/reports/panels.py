"""The reports' panel on the Wagtail admin home page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from wagtail.admin.ui.components import Component

from courses.models import Enrolment
from courses.permissions import VIEW_PROGRESS, courses_for
from courses.reports.columns import summary_figures
from courses.reports.rows import visible_enrolments


class ReportsPanel(Component):
    """Headline figures of the courses the user may edit, with links to reports."""

    name = "course_reports"
    template_name = "courses/reports/home_panel.html"
    order = 90

    def get_context_data(self, parent_context: Mapping[str, Any]) -> dict[str, Any]:
        user = parent_context["request"].user
        month_start = timezone.localtime().replace(
            day=1, hour=0, minute=0, second=0, microsecond=0
        )
        figures = summary_figures()
        counts = visible_enrolments(user).aggregate(
            learners=Count(
                "user", distinct=True, filter=~Q(status=Enrolment.Status.WITHDRAWN)
            ),
            completions=Count("pk", filter=Q(completed_at__gte=month_start)),
            **{
                f"figure_{figure.key}": Count("pk", filter=figure.condition())
                for figure in figures
            },
        )
        return {
            "courses": courses_for(user, VIEW_PROGRESS)
            .live()
            .values("translation_key")
            .distinct()
            .count(),
            "learners": counts["learners"],
            "completions": counts["completions"],
            "figures": [
                (figure.label, counts[f"figure_{figure.key}"]) for figure in figures
            ],
            "links": {
                "progress": reverse("reports:progress"),
                "matrix": reverse("reports:matrix"),
                "summary": reverse("reports:summary"),
                "competences": reverse("reports:competences"),
            },
        }

    def render_html(self, parent_context: Mapping[str, Any] | None = None) -> str:
        # Nothing for those who edit no course: they have no reports to open.
        if not courses_for(parent_context["request"].user, VIEW_PROGRESS).exists():
            return ""
        return super().render_html(parent_context)
