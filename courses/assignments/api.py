"""Submitting practical assignments in the JSON API."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from courses.api.schemas import Id, Message
from courses.assignments.submissions import (
    FileTooLarge,
    SubmissionError,
    assignment_course,
    submit_assignment,
)
from courses.models import Assignment
from courses.progress.recording import find_enrolment

router = Router(tags=["assessment"])


class SubmissionOut(Schema):
    id: int
    assignment_id: int
    status: str
    submitted_at: datetime
    text: str
    filename: str


@router.post(
    "/assignments/{assignment_id}/submissions",
    response={
        201: SubmissionOut,
        400: Message,
        403: Message,
        404: Message,
        413: Message,
    },
    operation_id="courses_assessment_api_submit_work",
    # The name its upload limit is registered under (courses.uploads).
    url_name="submit_work",
)
def submit_work(
    request: HttpRequest,
    assignment_id: Id,
    text: Form[str] = "",
    file: File[UploadedFile] = None,
):
    """Submit an assignment as multipart form data: ``text`` and/or ``file``."""
    assignment = get_object_or_404(Assignment, pk=assignment_id)
    course = assignment_course(assignment)
    enrolment = find_enrolment(request.user, course) if course else None
    if enrolment is None:
        raise HttpError(403, _("You are not enrolled in this course."))
    try:
        submission = submit_assignment(enrolment, assignment, text=text, upload=file)
    except FileTooLarge as exc:
        raise HttpError(413, str(exc)) from None
    except SubmissionError as exc:
        raise HttpError(400, str(exc)) from None
    return Status(
        201,
        SubmissionOut(
            id=submission.pk,
            assignment_id=assignment.pk,
            status=submission.status,
            submitted_at=submission.submitted_at,
            text=submission.text,
            filename=submission.filename,
        ),
    )
