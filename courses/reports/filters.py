"""The filters shared by the report screens and their exports."""

from __future__ import annotations

from functools import reduce
from operator import and_
from typing import TYPE_CHECKING

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.fields import DateRangeField
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet

from courses.admin_base import CourseChoiceField, IdChoiceFilter
from courses.dates import FILTER_DATE_INPUT_FORMATS, validate_date_in_range
from courses.models import CoursePage, Enrolment
from courses.permissions import (
    VIEW_PROGRESS,
    cohort_choices_for,
    course_choices_for,
    sees_personal_data,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet


class CourseFilter(IdChoiceFilter):
    field_class = CourseChoiceField

    def filter(self, qs: QuerySet[Enrolment], value: CoursePage | None):
        # By translation key: the Latvian and English course share enrolments.
        return qs.filter(course_key=value.translation_key) if value else qs


class AcceptedDateRangeField(DateRangeField):
    """A date range whose ends are read in ISO or the Latvian form and refused
    outside the dates filters accept."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields:
            field.input_formats = FILTER_DATE_INPUT_FORMATS
            field.validators.append(validate_date_in_range)


class AcceptedDateRangeFilter(django_filters.DateFromToRangeFilter):
    field_class = AcceptedDateRangeField


class SummaryFilterSet(WagtailFilterSet):
    """Course, cohort and dates: what a summary of many learners is narrowed by."""

    course = CourseFilter(queryset=course_choices_for(VIEW_PROGRESS), label=_("Course"))
    cohort = IdChoiceFilter(
        queryset=cohort_choices_for(VIEW_PROGRESS), label=_("Cohort")
    )
    enrolled = AcceptedDateRangeFilter(
        field_name="enrolled_at",
        label=_("Enrolled between"),
        widget=DateRangePickerWidget,
    )
    completed = AcceptedDateRangeFilter(
        field_name="completed_at",
        label=_("Completed between"),
        widget=DateRangePickerWidget,
    )

    class Meta:
        model = Enrolment
        fields: list[str] = []


class ProgressFilterSet(SummaryFilterSet):
    """The summary's filters, a status and a name or e-mail search."""

    status = django_filters.ChoiceFilter(
        choices=Enrolment.Status.choices, label=_("Status"), widget=forms.RadioSelect
    )
    search = django_filters.CharFilter(
        method="filter_search", label=_("Name or e-mail")
    )

    class Meta:
        model = Enrolment
        fields: list[str] = []

    def filter_search(
        self, qs: QuerySet[Enrolment], name: str, value: str
    ) -> QuerySet[Enrolment]:
        # Every word must appear somewhere, so "Jolanta Ūzuliņa" finds her.
        words = value.split()
        if not words:
            return qs
        # Only those who may see addresses may find a learner by one.
        by_email = self.request is not None and sees_personal_data(self.request.user)
        return qs.filter(
            reduce(
                and_,
                (
                    Q(user__first_name__icontains=word)
                    | Q(user__last_name__icontains=word)
                    | (Q(user__email__icontains=word) if by_email else Q(pk=None))
                    for word in words
                ),
            )
        )


def filter_errors(filters: django_filters.FilterSet) -> list[str]:
    """Why the filters were refused, one line per problem ("Enrolled between:
    Enter a date from …"); empty when they are valid."""
    if filters.is_valid():
        return []
    form = filters.form
    return [
        f"{form.fields[name].label}: {message}" if name in form.fields else message
        for name, messages in form.errors.items()
        for message in messages
    ]
