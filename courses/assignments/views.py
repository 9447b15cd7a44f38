"""Learner views for practical assignments: the assignment with its submission
form and history, and the download of a submitted file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from courses.assignments.submissions import (
    SubmissionError,
    allowed_extensions,
    assignment_course,
    can_submit,
    max_upload_bytes,
    submissions_for,
    submit_assignment,
)
from courses.models import Assignment, AssignmentSubmission
from courses.permissions import is_course_team, may_review_submissions
from courses.progress.recording import find_enrolment


@login_required
def assignment(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The assignment, the learner's submissions and, when allowed, the form."""
    item = get_object_or_404(
        Assignment.objects.select_related("page"), pk=assignment_id
    )
    course = assignment_course(item)
    if course is None:
        raise Http404
    enrolment = find_enrolment(request.user, course)
    enrolled = enrolment is not None and enrolment.is_active
    if not enrolled and not is_course_team(request.user, course):
        return TemplateResponse(
            request,
            "courses/enrolment_required.html",
            {"page": course, "course": course, "enrolment": enrolment},
            status=403,
        )
    error = ""
    if request.method == "POST" and enrolled:
        try:
            submit_assignment(
                enrolment,
                item,
                text=request.POST.get("text", ""),
                upload=request.FILES.get("file"),
            )
        except SubmissionError as exc:
            error = str(exc)
        else:
            messages.success(request, _("Your work has been submitted for review."))
            return redirect("courses:assignment", assignment_id=item.pk)
    submissions = (
        list(submissions_for(enrolment, [item.translation_key])) if enrolled else []
    )
    return TemplateResponse(
        request,
        "courses/assignment.html",
        {
            "assignment": item,
            "course": course,
            "enrolment": enrolment,
            "submissions": submissions,
            "can_submit": enrolled and can_submit(enrolment, item),
            "error": error,
            "text": request.POST.get("text", "") if error else "",
            "extensions": allowed_extensions(),
            "max_bytes": max_upload_bytes(),
            "competences": item.competences.select_related("framework"),
        },
        status=400 if error else 200,
    )


def download(request: HttpRequest, submission_id: int) -> FileResponse:
    """The submitted file, for its learner and for those who may review it."""
    if not request.user.is_authenticated:
        raise Http404
    submission = (
        AssignmentSubmission.objects.select_related("enrolment")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not submission.file:
        raise Http404
    is_owner = submission.enrolment.user_id == request.user.pk
    if not is_owner and not may_review_submissions(request.user, submission.enrolment):
        # Not 403: whether a submission exists is not for others to learn.
        raise Http404
    try:
        handle = submission.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=submission.filename)
