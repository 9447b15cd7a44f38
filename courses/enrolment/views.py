"""The learner's enrolment form (a POST from the course page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.enrolment.enrolling import EnrolmentError, WrongEnrolmentKey, self_enrol
from courses.models import CoursePage
from courses.site import next_url
from courses.throttling import TooManyWrongTries, enrolment_key_scope, guarded


@require_POST
@login_required
def enrol(request: HttpRequest, course_id: int) -> HttpResponse:
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    key = request.POST.get("key", "")
    try:
        guarded(
            request,
            enrolment_key_scope(course),
            lambda: self_enrol(request.user, course, key=key),
            WrongEnrolmentKey,
        )
    except (EnrolmentError, TooManyWrongTries) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("You are enrolled in %(course)s.") % {"course": course.title}
        )
    return redirect(next_url(request, course.url))
