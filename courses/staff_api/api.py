"""Staff operations of the JSON API: a university's registry and reporting read
courses, enrolments and progress, and enrol and withdraw people, with a
personal token (or the admin's session). Every record is scoped by
:mod:`courses.permissions`: a course the caller may not edit is a 404, as if it
did not exist."""

from __future__ import annotations

from datetime import datetime, time
from functools import reduce
from operator import or_
from typing import Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema, Status
from ninja.errors import HttpError

from courses.api.cursor import DEFAULT_LIMIT, MAX_LIMIT, page_after
from courses.api.schemas import (
    BaseEnrolmentOut,
    FilterDate,
    Id,
    Message,
    RequirementOut,
    base_enrolment_fields,
    requirement_out,
)
from courses.api_tokens.requests import IDEMPOTENT_WRITE, staff_router
from courses.catalogue.models import course_hours_subquery
from courses.enrolment.csv_import import enrol_lines
from courses.enrolment.csv_reading import CsvLine
from courses.enrolment.enrolling import withdraw
from courses.models import Cohort, CoursePage, Enrolment, ModulePage
from courses.permissions import (
    EDIT_COURSE,
    MANAGE_ENROLMENT,
    VIEW_PROGRESS,
    Capability,
    courses_for,
    enrolments_for,
    sees_personal_data,
)
from courses.progress.completion import learner_checklist
from courses.reports.exports import export_response
from courses.reports.rows import report_rows

router = staff_router(tags=["staff"])

EnrolmentStatus = Literal["active", "completed", "withdrawn"]


def staff_course(
    request: HttpRequest, course_id: int, capability: Capability = MANAGE_ENROLMENT
) -> CoursePage:
    """The course, if the caller has ``capability`` in it; else a 404 that tells
    nothing."""
    return get_object_or_404(courses_for(request.user, capability), pk=course_id)


def staff_enrolments(
    request: HttpRequest, capability: Capability = MANAGE_ENROLMENT
) -> QuerySet[Enrolment]:
    """The enrolments the caller has ``capability`` for."""
    return enrolments_for(request.user, capability)


class ModuleOut(Schema):
    id: int
    title: str
    hours: float


class StaffCourseOut(Schema):
    id: int
    title: str
    language: str
    live: bool
    hours: float
    translation_key: str
    modules: list[ModuleOut]


class StaffEnrolmentOut(BaseEnrolmentOut):
    learner: str
    email: str
    cohort_id: int | None


class EnrolmentPage(Schema):
    items: list[StaffEnrolmentOut]
    #: Send as ``cursor`` for the next page; ``null`` on the last page.
    next_cursor: str | None


class EnrolmentFilters(Schema):
    cohort: Id | None = None
    status: EnrolmentStatus | None = None
    enrolled_from: FilterDate | None = None
    enrolled_to: FilterDate | None = None

    def apply(self, enrolments: QuerySet[Enrolment]) -> QuerySet[Enrolment]:
        if self.cohort is not None:
            enrolments = enrolments.filter(cohort_id=self.cohort)
        if self.status is not None:
            enrolments = enrolments.filter(status=self.status)
        zone = timezone.get_current_timezone()
        if self.enrolled_from is not None:
            start = datetime.combine(self.enrolled_from, time.min, tzinfo=zone)
            enrolments = enrolments.filter(enrolled_at__gte=start)
        if self.enrolled_to is not None:
            end = datetime.combine(self.enrolled_to, time.max, tzinfo=zone)
            enrolments = enrolments.filter(enrolled_at__lte=end)
        return enrolments


class EnrolIn(Schema):
    email: str = Field(max_length=254)
    first_name: str = Field("", max_length=150)
    last_name: str = Field("", max_length=150)
    #: A cohort of the course; without one the learner joins no cohort.
    cohort: Id | None = None


class EnrolledOut(Schema):
    #: "created" (a new account), "enrolled" or "reenrolled".
    outcome: str
    enrolment: StaffEnrolmentOut


class WithdrawIn(Schema):
    note: str = Field("", max_length=255)


class ProgressOut(Schema):
    enrolment: StaffEnrolmentOut
    checklist: list[RequirementOut]


def staff_enrolment_out(
    enrolment: Enrolment, with_email: bool = True
) -> StaffEnrolmentOut:
    user = enrolment.user
    email = user.email if with_email else ""
    return StaffEnrolmentOut(
        **base_enrolment_fields(enrolment),
        learner=f"{user.first_name} {user.last_name}".strip() or email,
        email=email,
        cohort_id=enrolment.cohort_id,
    )


@router.get(
    "/staff/courses",
    response=list[StaffCourseOut],
    operation_id="staff_api_list_courses",
)
def list_courses(request: HttpRequest) -> list[StaffCourseOut]:
    """The courses the caller works on: writes, follows the progress of or
    manages the enrolment of (every language version, published or not), with
    their live modules and academic hours."""
    user = request.user
    mine = Q(pk__in=courses_for(user, EDIT_COURSE).values("pk"))
    for capability in (VIEW_PROGRESS, MANAGE_ENROLMENT):
        mine |= Q(pk__in=courses_for(user, capability).values("pk"))
    courses = list(
        CoursePage.objects.filter(mine)
        .select_related("locale")
        .annotate(total_hours=course_hours_subquery())
        .order_by("path")
    )
    by_path = {course.path: [] for course in courses}
    if courses:
        steplen = ModulePage.steplen
        for module in (
            ModulePage.objects.live()
            .filter(reduce(or_, (Q(path__startswith=path) for path in by_path)))
            .order_by("path")
            .only("pk", "title", "hours", "path")
        ):
            by_path.get(module.path[:-steplen], []).append(
                ModuleOut(id=module.pk, title=module.title, hours=module.hours)
            )
    return [
        StaffCourseOut(
            id=course.pk,
            title=course.title,
            language=course.locale.language_code,
            live=course.live,
            hours=course.total_hours or 0,
            translation_key=str(course.translation_key),
            modules=by_path[course.path],
        )
        for course in courses
    ]


@router.get(
    "/staff/courses/{course_id}/enrolments",
    response={200: EnrolmentPage, 400: Message, 404: Message},
    operation_id="staff_api_list_enrolments",
)
def list_enrolments(
    request: HttpRequest,
    course_id: Id,
    filters: Query[EnrolmentFilters],
    cursor: str | None = None,
    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT),
):
    """A course's enrolments (in every language version) with their progress,
    by cohort, status and enrolment date, a page at a time in id order."""
    course = staff_course(request, course_id)
    enrolments = filters.apply(
        Enrolment.objects.filter(course_key=course.translation_key).select_related(
            "user", "cohort"
        )
    )
    items, next_cursor = page_after(enrolments, cursor, limit)
    return EnrolmentPage(
        items=[staff_enrolment_out(e) for e in items], next_cursor=next_cursor
    )


@router.post(
    "/staff/courses/{course_id}/enrolments",
    response={201: EnrolledOut, 400: Message, 404: Message},
    openapi_extra=IDEMPOTENT_WRITE,
    operation_id="staff_api_enrol",
)
def enrol_person(request: HttpRequest, course_id: Id, payload: EnrolIn):
    """Enrol a person by e-mail, as the CSV import does: an account with that
    address (in any letter case) is used, else one is made (a first and last
    name are then needed) and the person is e-mailed a link to set a password."""
    course = staff_course(request, course_id)
    cohort_name = ""
    if payload.cohort is not None:
        cohort = Cohort.objects.filter(
            pk=payload.cohort, course__translation_key=course.translation_key
        ).first()
        if cohort is None:
            raise HttpError(400, _("This course has no such cohort."))
        cohort_name = cohort.name
    line = CsvLine(
        line=1,
        email=payload.email.strip(),
        first_name=payload.first_name.strip(),
        last_name=payload.last_name.strip(),
        cohort=cohort_name,
    )
    [row] = enrol_lines([line], course, request.user).rows
    if row.refused:
        raise HttpError(400, row.reason)
    enrolment = Enrolment.objects.select_related("user", "cohort").get(
        user=row.user, course_key=course.translation_key
    )
    return Status(
        201, EnrolledOut(outcome=row.outcome, enrolment=staff_enrolment_out(enrolment))
    )


def _staff_enrolment(request: HttpRequest, enrolment_id: int) -> Enrolment:
    return get_object_or_404(
        staff_enrolments(request).select_related("user", "cohort", "course"),
        pk=enrolment_id,
    )


@router.post(
    "/staff/enrolments/{enrolment_id}/withdraw",
    response={200: StaffEnrolmentOut, 404: Message},
    openapi_extra=IDEMPOTENT_WRITE,
    operation_id="staff_api_withdraw",
)
def withdraw_person(
    request: HttpRequest, enrolment_id: Id, payload: WithdrawIn | None = None
):
    """Withdraw a learner; their progress stays and returns if they re-enrol."""
    enrolment = _staff_enrolment(request, enrolment_id)
    withdraw(enrolment, actor=request.user, note=payload.note if payload else "")
    return Status(200, staff_enrolment_out(enrolment))


@router.get(
    "/staff/enrolments/{enrolment_id}/progress",
    response={200: ProgressOut, 404: Message},
    operation_id="staff_api_learner_progress",
)
def learner_progress(request: HttpRequest, enrolment_id: Id):
    """One learner's progress in a course and their completion checklist."""
    enrolment = get_object_or_404(
        staff_enrolments(request, VIEW_PROGRESS).select_related(
            "user", "cohort", "course"
        ),
        pk=enrolment_id,
    )
    with_email = sees_personal_data(request.user)
    return Status(
        200,
        ProgressOut(
            enrolment=staff_enrolment_out(enrolment, with_email),
            checklist=[requirement_out(r) for r in learner_checklist(enrolment)],
        ),
    )


@router.get(
    "/staff/courses/{course_id}/progress-report",
    response={400: Message, 404: Message},
    operation_id="staff_api_progress_report",
    openapi_extra={
        "responses": {
            200: {
                "description": "The progress report as CSV (UTF-8 with a BOM)",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def progress_report(
    request: HttpRequest, course_id: Id, filters: Query[EnrolmentFilters]
) -> StreamingHttpResponse:
    """The course's progress report as CSV, with the admin report's columns,
    filtered as the enrolment list is."""
    course = staff_course(request, course_id, VIEW_PROGRESS)
    enrolments = filters.apply(
        staff_enrolments(request, VIEW_PROGRESS).filter(
            course_key=course.translation_key
        )
    )
    stamp = timezone.localdate().isoformat()
    with_email = sees_personal_data(request.user)
    rows = report_rows(enrolments, with_email=with_email)
    return export_response(rows, "csv", f"progress-{stamp}", with_email)
