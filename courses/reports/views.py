"""The report screens of the Wagtail admin, declared as one viewset.

Staff see the progress of the learners they may follow (the rule of
:func:`courses.permissions.enrolments_for` with ``VIEW_PROGRESS``): course
authors their courses', tutors their cohorts'. Learners' e-mail addresses are
shown and exported only to those who may see personal data. A course in the
query string that is not theirs is refused outright rather than quietly ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponseBadRequest
from django.urls import path
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import View
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet

from courses.models import Enrolment
from courses.reports import charts, rows, summary, tables
from courses.reports.columns import report_columns, summary_figures
from courses.reports.course_views import (
    ActivityExportView,
    ActivityReportView,
    CompetenceExportView,
    CompetenceReportView,
    ModuleMatrixExportView,
    ModuleMatrixView,
)
from courses.reports.exports import export_response
from courses.reports.filters import (
    ProgressFilterSet,
    SummaryFilterSet,
    filter_errors,
)
from courses.reports.listing import (
    REPORTS,
    ExportMixin,
    ReportAccessMixin,
    ReportListingView,
    export_buttons,
    short_date,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse


class ProgressReportView(ReportListingView):
    """One row per enrolment, from its stored summary."""

    page_title = _("Progress report")
    report_name = "progress"
    default_ordering = "user__last_name"
    verbose_name_plural = pgettext_lazy("model", "enrolments")

    sort_keys = {
        "learner": "user__last_name",
        "course": "course_title",
        "cohort": "cohort__name",
        "status_label": "status",
        "percent": "percent",
        "hours_earned": "hours_earned",
        "attended_hours": "attended_hours",
        "assignments_accepted": "assignments_accepted",
        "enrolled_at": "enrolled_at",
        "completed_at": "completed_at",
    }

    @cached_property
    def columns(self) -> list[Column]:
        columns = []
        for name, label in rows.report_fields(self.with_email):
            accessor = (
                (lambda row, name=name: short_date(getattr(row, name)))
                if name.endswith("_at")
                else name
            )
            columns.append(
                Column(
                    name,
                    label=label,
                    accessor=accessor,
                    sort_key=self.sort_keys.get(name),
                )
            )
        for column in report_columns():
            columns.append(
                Column(
                    column.key,
                    label=column.label,
                    accessor=lambda row, key=column.key: row.extra.get(key) or "",
                )
            )
        return columns

    def get_base_queryset(self) -> QuerySet:
        return rows.annotate_report(super().get_base_queryset())

    def order_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by(*rows.report_ordering(self.ordering))

    def rows(self, page: QuerySet) -> list[rows.ReportRow]:
        return rows.report_page(page, self.with_email)

    def get_header_buttons(self) -> list:
        return export_buttons(self.request, self.url_names["export"])


class ProgressExportView(ReportAccessMixin, View):
    """The filtered progress report as a CSV or XLSX download."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in ("csv", "xlsx"):
            raise Http404
        filters = ProgressFilterSet(
            request.GET,
            queryset=rows.visible_enrolments(request.user),
            request=request,
        )
        if errors := filter_errors(filters):
            return HttpResponseBadRequest(
                "\n".join(errors), content_type="text/plain; charset=utf-8"
            )
        sort = request.GET.get("ordering", "")
        if sort.removeprefix("-") not in ProgressReportView.sort_keys.values():
            sort = ""
        report = rows.report_rows(
            filters.qs, rows.report_ordering(sort), self.with_email
        )
        stamp = timezone.localdate().isoformat()
        return export_response(report, fmt, f"progress-{stamp}", self.with_email)


class SummaryView(ReportListingView):
    """Per course and cohort, and for the programme; enrolments and completions
    by month. Filtered in the same drawer as the other reports."""

    results_template_name = "courses/reports/summary_results.html"
    filterset_class = SummaryFilterSet
    page_title = _("Cohorts and programme")
    report_name = "summary"
    paginate_by = None

    def get_queryset(self) -> QuerySet:
        # The page lists no rows of its own: its figures are sums over the
        # filtered enrolments (get_context_data).
        return Enrolment.objects.none()

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        if self.filter_errors:
            # No figures that would pass off the whole programme as the part asked for.
            return context
        enrolments = self.filter_queryset(self.get_base_queryset())
        months = summary.monthly_activity(enrolments)
        chart = None
        if months:
            labels = [formats.date_format(m, "YEAR_MONTH_FORMAT") for m, *_n in months]
            chart = charts.line_chart(
                _("Enrolments and completions per month"),
                _("Per month, enrolments then completions: %(v)s.")
                % {
                    "v": "; ".join(
                        f"{label} {e}/{c}"
                        for label, (_m, e, c) in zip(labels, months, strict=True)
                    )
                },
                [formats.date_format(m, "m/Y") for m, *_n in months],
                [
                    (str(_("Enrolments")), [e for _m, e, _c in months]),
                    (str(_("Completions")), [c for _m, _e, c in months]),
                ],
            )
        context.update(
            summary=summary.programme_summary(enrolments),
            municipalities=summary.reach_by_municipality(enrolments),
            figures=summary_figures(),
            chart=chart,
        )
        return context


class SummaryExportView(ExportMixin, SummaryView):
    """The cohort summary as a CSV or XLSX download."""

    def export_table(self) -> tables.Table:
        # The filtered enrolments the reader may see, as the page sums them.
        enrolments = self.filter_queryset(self.get_base_queryset())
        return tables.summary_table(summary.programme_summary(enrolments))


class ReportsViewSet(ViewSet):
    name = "reports"
    url_prefix = "reports"
    icon = "table"
    # Listed in Wagtail's own Reports menu (courses.reports.menu), not a second one.
    add_to_admin_menu = False

    @cached_property
    def url_names(self) -> dict[str, str]:
        names = ["export"]
        for report, _label in REPORTS:
            names += [report, f"{report}_results", f"{report}_export"]
        return {name: self.get_url_name(name) for name in names}

    def get_urlpatterns(self) -> list:
        listings = {
            "progress": ProgressReportView,
            "matrix": ModuleMatrixView,
            "competences": CompetenceReportView,
            "summary": SummaryView,
            "activities": ActivityReportView,
        }
        patterns = []
        for name, view in listings.items():
            prefix = "" if name == "progress" else f"{name}/"
            patterns += [
                path(prefix, view.as_view(url_names=self.url_names), name=name),
                path(
                    f"{prefix}results/",
                    view.as_view(url_names=self.url_names, results_only=True),
                    name=f"{name}_results",
                ),
            ]
        exports = {
            "matrix": ModuleMatrixExportView,
            "competences": CompetenceExportView,
            "summary": SummaryExportView,
            "activities": ActivityExportView,
        }
        patterns += [
            path(
                f"{name}/export/<str:fmt>/",
                view.as_view(url_names=self.url_names),
                name=f"{name}_export",
            )
            for name, view in exports.items()
        ]
        # After the progress report, which the menu item opens (the first pattern).
        return [
            *patterns,
            path(
                "export/<str:fmt>/",
                ProgressExportView.as_view(url_names=self.url_names),
                name="export",
            ),
        ]
