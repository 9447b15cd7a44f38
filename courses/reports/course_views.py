"""Reports about one course's learners, laid out by the course's structure: the
module matrix, the competence report and the e-learning results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.ui.tables import Column

from courses.reports import activities as activity_report
from courses.reports import charts, matrix, rows, tables
from courses.reports import competences as competence_report
from courses.reports.listing import ExportMixin, ReportListingView

if TYPE_CHECKING:
    from django.db.models import QuerySet


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
    verbose_name_plural = pgettext_lazy("model", "enrolments")

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
        return matrix.matrix_page(self.structure, page, self.with_email)

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
    verbose_name_plural = pgettext_lazy("model", "enrolments")

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
        return competence_report.competence_page(page, self.with_email)

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


class ActivityColumn(Column):
    """A learner's record in one activity: the best score and status, the
    attempts made and a mark when the author's rule was met."""

    cell_template_name = "courses/reports/activity_cell.html"


class ActivityReportView(CourseReportView):
    """Learners × the e-learning activities of one course's lessons."""

    page_title = _("E-learning results")
    report_name = "activities"
    verbose_name_plural = pgettext_lazy("model", "enrolments")

    @cached_property
    def activities(self) -> list[activity_report.ReportActivity]:
        return activity_report.course_activities(self.structure)

    @cached_property
    def columns(self) -> list[Column]:
        return [
            Column("learner", label=_("Learner")),
            Column("cohort", label=_("Cohort")),
            *(
                ActivityColumn(
                    f"activity-{activity.pk}",
                    label=activity.title,
                    accessor=lambda row, i=index: row.cells[i],
                )
                for index, activity in enumerate(self.activities)
            ),
            Column(
                "minutes_spent",
                label=_("Time in packages (min)"),
                accessor=lambda row: (
                    "—" if row.minutes_spent is None else row.minutes_spent
                ),
            ),
        ]

    def get_base_queryset(self) -> QuerySet:
        # A course that plays no package has no results to list, only a word on
        # where they will come from.
        queryset = super().get_base_queryset()
        return queryset if self.activities else queryset.none()

    @property
    def no_results_message(self) -> str:
        if not self.activities:
            return _(
                "This course has no lessons with an e-learning package yet. Once a "
                "live lesson plays a SCORM or H5P package, its learners' results "
                "appear here."
            )
        return super().no_results_message

    def rows(self, page: QuerySet) -> list[activity_report.ActivityRow]:
        return activity_report.activity_page(self.activities, page, self.with_email)


class ModuleMatrixExportView(ExportMixin, ModuleMatrixView):
    """The module matrix as a CSV or XLSX download."""

    def export_table(self) -> tables.Table:
        enrolments = self.order_queryset(self.filter_queryset(self.get_base_queryset()))
        return tables.matrix_table(self.structure, enrolments, self.with_email)


class CompetenceExportView(ExportMixin, CompetenceReportView):
    """The competence report as a CSV or XLSX download."""

    def export_table(self) -> tables.Table:
        competences, _developed = self.competences
        return tables.competence_table(
            competences, self.order_queryset(self.filtered), self.with_email
        )


class ActivityExportView(ExportMixin, ActivityReportView):
    """The e-learning results as a CSV or XLSX download."""

    def export_table(self) -> tables.Table:
        enrolments = self.order_queryset(self.filter_queryset(self.get_base_queryset()))
        return tables.activity_table(self.activities, enrolments, self.with_email)
