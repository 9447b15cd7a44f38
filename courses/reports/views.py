"""The report screens of the Wagtail admin, declared as one viewset.

Staff see the enrolments of the courses they may edit (the rule of
:func:`courses.enrolment.admin.editable_courses`); a course in the query string that
they may not edit is refused outright rather than quietly ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import BaseListingView, WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.widgets.button import HeaderButton

from courses.admin_base import CourseStaffMenuItem
from courses.models import CoursePage
from courses.permissions import editable_courses
from courses.reports import charts, matrix, rows, summary
from courses.reports import competences as competence_report
from courses.reports.columns import report_columns, summary_figures
from courses.reports.exports import export_response
from courses.reports.filters import ProgressFilterSet

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

PAGE_SIZE = 50


def _date(value) -> str:
    if not value:
        return "—"
    return formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


class ReportAccessMixin:
    """Only staff of at least one course; ``?course=`` only for their own."""

    url_names: dict[str, str] = {}

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        courses = editable_courses(request.user)
        course_id = request.GET.get("course")
        if course_id:
            if not course_id.isdigit() or not courses.filter(pk=course_id).exists():
                raise PermissionDenied
        elif not courses.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def course(self) -> CoursePage | None:
        """The course asked for, or for per-course reports the first one the user
        may edit."""
        courses = editable_courses(self.request.user).order_by("title", "pk")
        course_id = self.request.GET.get("course")
        return courses.filter(pk=course_id).first() if course_id else courses.first()

    def report_links(self) -> list[dict[str, Any]]:
        query = (
            {"course": self.request.GET["course"]}
            if "course" in self.request.GET
            else {}
        )
        suffix = f"?{urlencode(query)}" if query else ""
        return [
            {
                "label": label,
                "url": reverse(self.url_names[name]) + suffix,
                "current": name == self.report_name,
            }
            for name, label in REPORTS
        ]


REPORTS = [
    ("progress", _("Progress")),
    ("matrix", _("Modules")),
    ("summary", _("Cohorts and programme")),
    ("competences", _("Competences")),
]


class ReportListingView(ReportAccessMixin, BaseListingView):
    """A filtered, paginated report of enrolments."""

    template_name = "courses/reports/listing.html"
    results_template_name = "courses/reports/listing_results.html"
    filterset_class = ProgressFilterSet
    paginate_by = PAGE_SIZE
    header_icon = "table"
    report_name = ""

    def get_index_url(self) -> str:
        return reverse(self.url_names[self.report_name])

    def get_index_results_url(self) -> str:
        return reverse(self.url_names[f"{self.report_name}_results"])

    def get_base_queryset(self) -> QuerySet:
        return rows.visible_enrolments(self.request.user)

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(
            queryset, page_size
        )
        return paginator, page, self.rows(object_list), is_paginated

    def rows(self, page: QuerySet) -> list:
        raise NotImplementedError

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["report_links"] = self.report_links()
        return context


class ProgressReportView(ReportListingView):
    """One row per enrolment, from its stored summary."""

    page_title = _("Progress report")
    report_name = "progress"
    default_ordering = "user__last_name"
    verbose_name_plural = _("enrolments")

    sort_keys = {
        "learner": "user__last_name",
        "course": "course__title",
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
        for name, label in rows.BASE_FIELDS:
            accessor = (
                (lambda row, name=name: _date(getattr(row, name)))
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
        # Ties (same surname, same percent) keep a stable order across pages.
        return queryset.order_by(self.ordering, *rows.DEFAULT_ORDERING)

    def rows(self, page: QuerySet) -> list[rows.ReportRow]:
        return rows.report_page(page)

    def get_header_buttons(self) -> list:
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        suffix = f"?{query.urlencode()}" if query else ""
        return [
            HeaderButton(
                label,
                url=reverse(self.url_names["export"], args=[fmt]) + suffix,
                icon_name="download",
            )
            for fmt, label in (("csv", _("CSV")), ("xlsx", _("XLSX")))
        ]


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
        if not filters.is_valid():
            return HttpResponseBadRequest(filters.errors.as_text())
        sort = request.GET.get("ordering", "").lstrip("-")
        ordering = rows.DEFAULT_ORDERING
        if sort in ProgressReportView.sort_keys.values():
            ordering = (request.GET["ordering"], *ordering)
        report = rows.report_rows(filters.qs, ordering)
        stamp = timezone.localdate().isoformat()
        return export_response(report, fmt, f"progress-{stamp}")


class CourseReportView(ReportListingView):
    """A report about one course's learners, laid out by the course's structure."""

    def get_page_subtitle(self) -> str:
        return self.course.title if self.course else ""

    @cached_property
    def structure(self) -> matrix.CourseStructure:
        return matrix.course_structure(self.course)

    def get_base_queryset(self) -> QuerySet:
        return (
            super()
            .get_base_queryset()
            .filter(course_key=self.course.translation_key if self.course else None)
        )

    def order_queryset(self, queryset: QuerySet) -> QuerySet:
        return queryset.order_by(*rows.DEFAULT_ORDERING)


class ModuleMatrixView(CourseReportView):
    """Learners × modules of one course: done, in progress or not started."""

    page_title = _("Module progress")
    report_name = "matrix"
    default_ordering = "user__last_name"
    verbose_name_plural = _("enrolments")

    @cached_property
    def columns(self) -> list[Column]:
        labels = matrix.ModuleState.labels
        symbols = {
            matrix.ModuleState.DONE: "✔",
            matrix.ModuleState.STARTED: "◐",
            matrix.ModuleState.NOT_STARTED: "○",
        }
        return [
            Column("learner", label=_("Learner")),
            Column("cohort", label=_("Cohort")),
        ] + [
            Column(
                f"module-{index}",
                label=module.title,
                accessor=lambda row, i=index: (
                    f"{symbols[row.states[i]]} {labels[row.states[i]]}"
                ),
            )
            for index, module in enumerate(self.structure.modules)
        ]

    def rows(self, page: QuerySet) -> list[matrix.MatrixRow]:
        return matrix.matrix_page(self.structure, page)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        funnel = matrix.module_funnel(
            self.structure, self.filter_queryset(self.get_base_queryset())
        )
        context["chart"] = charts.bar_chart(
            _("Completion funnel by module"),
            _("Learners enrolled, then learners who completed each module: %(v)s.")
            % {"v": "; ".join(f"{label} {count}" for label, count in funnel)},
            [label for label, _count in funnel],
            [(str(_("Learners")), [count for _label, count in funnel])],
        )
        return context


class CompetenceReportView(CourseReportView):
    """Learners × competences of one course, with the highest accepted level."""

    page_title = _("Competence report")
    report_name = "competences"
    verbose_name_plural = _("enrolments")

    @cached_property
    def filtered(self) -> QuerySet:
        return self.filter_queryset(self.get_base_queryset())

    @cached_property
    def competences(self):
        return competence_report.report_competences(self.structure, self.filtered)

    @cached_property
    def columns(self) -> list[Column]:
        competences, _developed = self.competences
        return [
            Column("learner", label=_("Learner")),
            Column("cohort", label=_("Cohort")),
        ] + [
            Column(
                f"competence-{competence.pk}",
                label=f"{competence.framework.code} {competence.code}",
                accessor=lambda row, pk=competence.pk: row.levels.get(pk, "—"),
            )
            for competence in competences
        ]

    def rows(self, page: QuerySet) -> list[competence_report.CompetenceRow]:
        return competence_report.competence_page(page)

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        competences, developed_by = self.competences
        counts = competence_report.competence_counts(
            self.structure, competences, developed_by, self.filtered
        )
        names = [f"{c.competence.framework.code} {c.competence.code}" for c in counts]
        context["competence_counts"] = counts
        context["chart"] = charts.bar_chart(
            _("Competence coverage"),
            _(
                "For each competence, learners who completed a lesson of a module "
                "developing it and learners assessed at any level: %(v)s."
            )
            % {
                "v": "; ".join(
                    f"{name} {c.developing}/{c.assessed}"
                    for name, c in zip(names, counts, strict=True)
                )
            },
            names,
            [
                (str(_("Developing")), [c.developing for c in counts]),
                (str(_("Assessed")), [c.assessed for c in counts]),
            ],
        )
        return context


class SummaryView(ReportAccessMixin, WagtailAdminTemplateMixin, TemplateView):
    """Per course and cohort, and for the programme; enrolments and completions
    by month."""

    template_name = "courses/reports/summary.html"
    page_title = _("Cohorts and programme")
    header_icon = "table"
    report_name = "summary"

    def get_breadcrumbs_items(self) -> list[dict]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs) -> dict:
        filters = ProgressFilterSet(
            self.request.GET,
            queryset=rows.visible_enrolments(self.request.user),
            request=self.request,
        )
        enrolments = filters.qs if filters.is_valid() else filters.queryset
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
        return super().get_context_data(
            filters=filters,
            summary=summary.programme_summary(enrolments),
            figures=summary_figures(),
            chart=chart,
            report_links=self.report_links(),
            **kwargs,
        )


class ReportsViewSet(ViewSet):
    name = "reports"
    url_prefix = "reports"
    icon = "table"
    menu_icon = "table"
    menu_label = _("Reports")
    add_to_admin_menu = True
    menu_order = 220

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        return CourseStaffMenuItem

    @cached_property
    def url_names(self) -> dict[str, str]:
        names = ["export"]
        for report, _label in REPORTS:
            names += [report, f"{report}_results"]
        return {name: self.get_url_name(name) for name in names}

    def get_urlpatterns(self) -> list:
        listings = {
            "progress": ProgressReportView,
            "matrix": ModuleMatrixView,
            "competences": CompetenceReportView,
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
        # After the progress report, which the menu item opens (the first pattern).
        return [
            *patterns,
            path(
                "export/<str:fmt>/",
                ProgressExportView.as_view(url_names=self.url_names),
                name="export",
            ),
            path(
                "summary/",
                SummaryView.as_view(url_names=self.url_names),
                name="summary",
            ),
        ]
