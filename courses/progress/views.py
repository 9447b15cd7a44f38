"""Learner views that are not Wagtail pages: the dashboard and the POST actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.catalogue.links import page_links
from courses.live_sessions.calendar import courses_with_sessions, learner_feed_url
from courses.models import Enrolment, LessonPage
from courses.progress.completion import lessons_added_after_completion
from courses.progress.recording import (
    ProgressError,
    course_of_lesson,
    find_enrolment,
    record_lesson_completed,
)
from courses.site import next_url

#: The enrolment fields the dashboard reads; with the cohort's name and the page
#: links, they are everything its cards show.
DASHBOARD_FIELDS = (
    "status",
    "percent",
    "completed_items",
    "total_items",
    "hours_earned",
    "enrolled_at",
    "completed_at",
    "last_activity_at",
    "course_id",
    "course_key",
    "next_lesson_id",
)


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """My courses: progress, where to continue, and what is completed."""
    # Withdrawn enrolments are few, and leaving them out here costs less than
    # asking the database to.
    enrolments = [
        enrolment
        for enrolment in Enrolment.objects.filter(user=request.user)
        .select_related("cohort")
        .only(*DASHBOARD_FIELDS, "cohort__name")
        .order_by("-last_activity_at", "-enrolled_at")
        if enrolment.status != Enrolment.Status.WITHDRAWN
    ]
    # Each course and lesson in the language the learner is reading in.
    links = page_links(
        request,
        [e.course_id for e in enrolments]
        + [e.next_lesson_id for e in enrolments if e.next_lesson_id],
    )
    for enrolment in enrolments:
        enrolment.course_link = links.get(enrolment.course_id)
        enrolment.next_lesson_link = links.get(enrolment.next_lesson_id)
        enrolment.lessons_added_after_completion = lessons_added_after_completion(
            enrolment.completed_at is not None,
            enrolment.completed_items,
            enrolment.total_items,
        )
    # The cards are cached under everything they show (the links follow from the
    # page ids under the content version): when any of it changes, they are
    # rendered afresh.
    cards_shown = [
        (
            enrolment.pk,
            *(getattr(enrolment, field) for field in DASHBOARD_FIELDS),
            enrolment.cohort.name if enrolment.cohort else None,
        )
        for enrolment in enrolments
    ]
    return TemplateResponse(
        request,
        "courses/dashboard.html",
        {
            "active": [e for e in enrolments if e.status == Enrolment.Status.ACTIVE],
            "completed": [
                e for e in enrolments if e.status == Enrolment.Status.COMPLETED
            ],
            "cards_shown": cards_shown,
            # The calendar link is for learners whose courses meet live.
            "calendar_feed_url": (
                learner_feed_url(request)
                if any(e.course_key in courses_with_sessions() for e in enrolments)
                else ""
            ),
        },
    )


@require_POST
@login_required
def complete_lesson(request: HttpRequest, lesson_id: int) -> HttpResponse:
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    course = course_of_lesson(lesson)
    enrolment = find_enrolment(request.user, course) if course else None
    if enrolment is None:
        messages.error(request, _("You are not enrolled in this course."))
        return redirect(course.url if course else "/")
    # Congratulated once: a completed enrolment stays at 100 % (docs/progress.md).
    completed_before = enrolment.completed_at is not None
    try:
        record_lesson_completed(enrolment, lesson)
    except ProgressError as exc:
        messages.error(request, str(exc))
        return redirect(lesson.url)
    if enrolment.status == Enrolment.Status.COMPLETED and not completed_before:
        messages.success(request, _("Congratulations — you have completed the course!"))
    return redirect(next_url(request, lesson.url))
