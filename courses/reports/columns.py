"""The extension point of the reports: columns and figures other apps add.

``courses`` must not know about the apps that build on it, yet staff want, say, the
certificate number next to each learner. An app registers an expression computed
per enrolment from its ``AppConfig.ready()``; the reports annotate it onto their one
query, which joins the enrolment's records and groups them by enrolment, so an
added column costs no extra query and no subquery per row. The expression is best
an aggregate over a relation of the enrolment (``Max("certificates__serial",
filter=...)``); as the report's joins multiply one another's rows, it must be one
that repetition does not change (``Max``, ``Min``, a distinct ``Count``). A
``Subquery`` keyed by ``OuterRef("pk")`` works too, at the cost of running per row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Expression, Q

#: Builds the expression anew each time: expressions are not safe to share.
ExpressionFactory = Callable[[], Expression]


@dataclass(frozen=True)
class ReportColumn:
    """A value per enrolment shown in the progress report and its exports."""

    key: str
    label: str
    expression: ExpressionFactory

    @property
    def annotation(self) -> str:
        # Prefixed so that a column cannot shadow a field of Enrolment.
        return f"extra_{self.key}"


@dataclass(frozen=True)
class SummaryFigure:
    """A count of enrolments meeting a condition, per cohort, course and in total."""

    key: str
    label: str
    condition: Callable[[], Q | Expression]


_columns: dict[str, ReportColumn] = {}
_figures: dict[str, SummaryFigure] = {}


def register_report_column(key: str, label: str, expression: ExpressionFactory) -> None:
    """Add a column to the progress report; registering a key again replaces it."""
    _columns[key] = ReportColumn(key, label, expression)


def register_summary_figure(
    key: str, label: str, condition: Callable[[], Q | Expression]
) -> None:
    """Add a figure to the cohort summary and the admin home panel: the number of
    enrolments for which ``condition()`` (a ``Q`` or boolean expression) holds."""
    _figures[key] = SummaryFigure(key, label, condition)


def report_columns() -> list[ReportColumn]:
    return list(_columns.values())


def summary_figures() -> list[SummaryFigure]:
    return list(_figures.values())
