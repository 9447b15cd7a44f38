"""The reports' figures on the Wagtail admin home page, in Wagtail's own site
summary (beside its pages, images and documents)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.site_summary import SummaryItem

from courses.models import Enrolment
from courses.permissions import VIEW_PROGRESS, courses_for, holds
from courses.reports.columns import summary_figures
from courses.reports.rows import visible_enrolments

if TYPE_CHECKING:
    from django.http import HttpRequest


class FigureSummaryItem(SummaryItem):
    """One figure of the courses the user may edit, linking to its report."""

    template_name = "courses/reports/summary_item.html"

    def __init__(
        self, request: HttpRequest, text: str, url: str, icon: str, order: int
    ) -> None:
        super().__init__(request)
        self.text = text
        self.url = url
        self.icon = icon
        self.order = order

    def get_context_data(self, parent_context: Mapping[str, Any]) -> dict[str, Any]:
        return {"text": self.text, "url": self.url, "icon": self.icon}


def add_summary_items(request: HttpRequest, items: list[SummaryItem]) -> None:
    """The course team's headline figures, after Wagtail's own (ordered up to
    400); nothing for those who edit no course, who have no reports to open."""
    user = request.user
    if not holds(user, VIEW_PROGRESS):
        return
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
    courses = (
        courses_for(user, VIEW_PROGRESS)
        .live()
        .values("translation_key")
        .distinct()
        .count()
    )
    progress, summary = reverse("reports:progress"), reverse("reports:summary")
    texts = [
        (
            ngettext("%(n)s active course", "%(n)s active courses", courses)
            % {"n": courses},
            progress,
            "folder-open-inverse",
        ),
        (
            ngettext("%(n)s learner", "%(n)s learners", counts["learners"])
            % {"n": counts["learners"]},
            progress,
            "group",
        ),
        (
            ngettext(
                "%(n)s completion this month",
                "%(n)s completions this month",
                counts["completions"],
            )
            % {"n": counts["completions"]},
            summary,
            "success",
        ),
    ]
    # Other apps' figures carry one label whatever the number.
    texts += [
        (
            _("%(label)s: %(n)s")
            % {"label": figure.label, "n": counts[f"figure_{figure.key}"]},
            summary,
            "doc-full",
        )
        for figure in figures
    ]
    items += [
        FigureSummaryItem(request, text, url, icon, order=500 + 10 * index)
        for index, (text, url, icon) in enumerate(texts)
    ]
