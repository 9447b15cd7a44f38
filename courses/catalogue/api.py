"""The course catalogue in the JSON API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

from courses.catalogue.models import course_hours_subquery
from courses.models import CoursePage
from courses.site import page_url

router = Router(tags=["courses"])


class CourseOut(Schema):
    id: int
    title: str
    url: str
    language: str
    hours: float
    programme_type: str
    self_enrolment: bool


@router.get(
    "/courses",
    response=list[CourseOut],
    auth=None,
    operation_id="courses_api_list_courses",
)
def list_courses(request: HttpRequest) -> list[CourseOut]:
    """Published courses in every language, with their academic hours."""
    courses = (
        CoursePage.objects.live()
        .public()
        .select_related("locale")
        .annotate(total_hours=course_hours_subquery())
        .order_by("path")
    )
    return [
        CourseOut(
            id=course.pk,
            title=course.title,
            url=page_url(course, request),
            language=course.locale.language_code,
            hours=course.total_hours,
            programme_type=course.programme_type,
            self_enrolment=course.self_enrolment,
        )
        for course in courses
    ]
