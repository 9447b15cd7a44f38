"""What every report screen shares: who may open it, the list of reports for the
navigation, and a paginated listing of learners."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.views.generic.base import BaseListingView
from wagtail.admin.widgets.button import HeaderButton

from courses.converters import as_id
from courses.models import CoursePage
from courses.permissions import (
    VIEW_PROGRESS,
    course_choices_for,
    courses_for,
    sees_personal_data,
)
from courses.reports import rows
from courses.reports.exports import Table, table_response
from courses.reports.filters import ProgressFilterSet, filter_errors

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse


PAGE_SIZE = 50


def short_date(value) -> str:
    if not value:
        return "—"
    return formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")


class ReportAccessMixin:
    """Only those who may follow some course's progress; ``?course=`` only for
    their own."""

    url_names: dict[str, str] = {}

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        courses = courses_for(request.user, VIEW_PROGRESS)
        course_id = request.GET.get("course")
        if course_id:
            course_id = as_id(course_id)
            if course_id is None or not courses.filter(pk=course_id).exists():
                raise PermissionDenied
        elif not courses.exists():
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def course(self) -> CoursePage | None:
        """The course asked for, or for per-course reports the first one the user
        may follow, in the reader's language if there is one."""
        courses = course_choices_for(VIEW_PROGRESS)(self.request)
        course_id = as_id(self.request.GET.get("course"))
        return courses.filter(pk=course_id).first() if course_id else courses.first()

    @cached_property
    def with_email(self) -> bool:
        """Whether the reader sees learners' e-mail addresses."""
        return sees_personal_data(self.request.user)

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
    ("activities", _("E-learning results")),
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

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        # Wagtail lists every row when the filters are refused; a report would
        # then pass off the whole set as the filtered one.
        if self.filters is not None and not self.filters.is_valid():
            return queryset.none()
        return super().filter_queryset(queryset)

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        # The page is a bad request; the results fragment stays a 200 because
        # Wagtail's filter script drops a fragment that is not, and the person
        # would see the old rows instead of the message.
        if self.filter_errors and not self.results_only:
            response.status_code = 400
        return response

    @cached_property
    def filter_errors(self) -> list[str]:
        return filter_errors(self.filters) if self.filters is not None else []

    def paginate_queryset(self, queryset, page_size):
        """Page through the ids alone, then read the page's rows by id: the
        offset skips bare ids, and each row's columns are computed only for the
        rows shown, so the last page costs what the first does."""
        paginator, page, ids, is_paginated = super().paginate_queryset(
            queryset.values_list("pk", flat=True), page_size
        )
        ids = list(ids)
        position = {pk: index for index, pk in enumerate(ids)}
        rows = self.rows(queryset.order_by().filter(pk__in=ids))
        rows.sort(key=lambda row: position[row.pk])
        return paginator, page, rows, is_paginated

    def rows(self, page: QuerySet) -> list:
        raise NotImplementedError

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["report_links"] = self.report_links()
        context["filter_errors"] = self.filter_errors
        return context

    def get_header_buttons(self) -> list:
        return export_buttons(
            self.request, self.url_names[f"{self.report_name}_export"]
        )


def export_buttons(request: HttpRequest, url_name: str) -> list[HeaderButton]:
    """CSV and XLSX downloads of the report as filtered (whatever the page)."""
    query = request.GET.copy()
    query.pop("p", None)
    suffix = f"?{query.urlencode()}" if query else ""
    return [
        HeaderButton(
            label, url=reverse(url_name, args=[fmt]) + suffix, icon_name="download"
        )
        for fmt, label in (("csv", _("CSV")), ("xlsx", _("XLSX")))
    ]


class ExportMixin:
    """A report's download: ``export_table()`` as CSV or XLSX, with the report's
    filters; refused filters are a bad request with their messages."""

    def get(self, request: HttpRequest, fmt: str) -> HttpResponse:
        if fmt not in ("csv", "xlsx"):
            raise Http404
        if errors := filter_errors(self.filters):
            return HttpResponseBadRequest(
                "\n".join(errors), content_type="text/plain; charset=utf-8"
            )
        return table_response(self.export_table(), fmt)

    def export_table(self) -> Table:
        raise NotImplementedError
