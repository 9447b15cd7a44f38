"""Who may read a module or lesson: enrolled learners and the course's staff."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from courses.models import CoursePage, Enrolment, LessonPage, ModulePage
from courses.permissions import is_course_team
from courses.progress.recording import (
    find_enrolment,
)


@dataclass
class Access:
    course: CoursePage | None
    enrolment: Enrolment | None
    user: object

    @property
    def enrolled(self) -> bool:
        return (
            self.enrolment is not None
            and self.enrolment.status != Enrolment.Status.WITHDRAWN
        )

    @property
    def allowed(self) -> bool:
        # Learners are the common case; the staff check costs permission queries.
        return self.enrolled or (
            self.course is not None and is_course_team(self.user, self.course)
        )


def access_for(request: HttpRequest, page) -> Access:
    """Who may read the content of ``page`` (a module or lesson)."""
    # The catalogue's route() hands the course over; otherwise look it up.
    course = getattr(page, "course_page", None)
    if course is None:
        course = CoursePage.objects.ancestor_of(page).first()
    enrolment = (
        find_enrolment(request.user, course, with_cohort=False) if course else None
    )
    return Access(course=course, enrolment=enrolment, user=request.user)


def course_access(request: HttpRequest, page) -> Access:
    """The access :func:`gate` worked out for this request; the admin's previews
    render the page without serving it, so there it is worked out here."""
    access = getattr(request, "course_access", None)
    if access is None:
        access = access_for(request, page)
    return access


def gate(page, request: HttpRequest, serve_args, serve_kwargs) -> HttpResponse | None:
    """Wagtail's ``before_serve_page`` hook: modules and lessons are served to
    enrolled learners and the course's staff; everyone else is told how to get
    in, rather than shown a bare 403."""
    if not isinstance(page, (ModulePage, LessonPage)):
        return None
    access = access_for(request, page)
    if not access.allowed:
        return TemplateResponse(
            request,
            "courses/enrolment_required.html",
            {"page": page, "course": access.course, "enrolment": access.enrolment},
            status=403,
        )
    request.course_access = access
    return None
