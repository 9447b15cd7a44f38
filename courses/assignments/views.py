"""Learner views for practical assignments: the assignment with its submission
form and history, peer feedback, and the download of a submitted file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses.assignments.peer import (
    MAX_COMMENT,
    comments_received,
    is_offered_to,
    offer_peer_reviews,
    review_for,
    reviewer_name,
    write_comment,
)
from courses.assignments.submissions import (
    SubmissionError,
    allowed_extensions,
    assignment_course,
    can_submit,
    max_upload_bytes,
    submissions_for,
    submit_assignment,
)
from courses.models import Assignment, AssignmentSubmission, Enrolment
from courses.permissions import is_course_team, may_review_submissions
from courses.progress.recording import find_enrolment


@login_required
def assignment(request: HttpRequest, assignment_id: int) -> HttpResponse:
    """The assignment, the learner's submissions and, when allowed, the form; once
    they have submitted, colleagues' work to comment on and the approved comments
    on their own."""
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
    return _assignment_page(
        request,
        item,
        course,
        enrolment,
        {"error": error, "text": request.POST.get("text", "") if error else ""},
    )


def _assignment_page(
    request: HttpRequest,
    item: Assignment,
    course,
    enrolment: Enrolment | None,
    errors: dict,
) -> TemplateResponse:
    """The assignment page for a learner (``enrolment``) or for staff, with the
    error of a refused submission or comment."""
    active = enrolment is not None and enrolment.is_active
    peer = active and item.peer_feedback
    reviews = offer_peer_reviews(enrolment, item) if peer else []
    for review in reviews:
        review.error = errors.get("review_id") == review.pk and errors["comment_error"]
        review.draft = review.comment
        if review.error:
            review.draft = errors["comment"]
    failed = bool(errors.get("error") or errors.get("comment_error"))
    return TemplateResponse(
        request,
        "courses/assignment.html",
        {
            "assignment": item,
            "course": course,
            "enrolment": enrolment,
            "submissions": (
                list(submissions_for(enrolment, [item.translation_key]))
                if active
                else []
            ),
            "can_submit": active and can_submit(enrolment, item),
            "error": errors.get("error", ""),
            "text": errors.get("text", ""),
            "extensions": allowed_extensions(),
            "max_bytes": max_upload_bytes(),
            "competences": item.competences.select_related("framework"),
            "peer_feedback": peer,
            "peer_reviews": reviews,
            "comments_received": [
                (review, reviewer_name(review))
                for review in (
                    comments_received(enrolment, item.translation_key) if peer else []
                )
            ],
            "max_comment": MAX_COMMENT,
        },
        status=400 if failed else 200,
    )


@require_POST
@login_required
def peer_comment(request: HttpRequest, review_id: int) -> HttpResponse:
    """Keep a learner's comment on a colleague's work they were offered."""
    review = review_for(request.user, review_id)
    if review is None or review.submission.assignment is None:
        raise Http404
    item = review.submission.assignment
    course = assignment_course(item)
    enrolment = find_enrolment(request.user, course) if course else None
    if enrolment is None or enrolment.pk != review.reviewer_id:
        raise Http404
    text = request.POST.get("comment", "")
    try:
        write_comment(review, text)
    except SubmissionError as exc:
        if not enrolment.is_active:
            raise Http404 from None
        return _assignment_page(
            request,
            item,
            course,
            enrolment,
            {"review_id": review.pk, "comment_error": str(exc), "comment": text},
        )
    messages.success(
        request,
        _("Thank you. Your comment will be shown once the course team approves it."),
    )
    return redirect(f"{reverse('courses:assignment', args=[item.pk])}#peer-{review.pk}")


def download(request: HttpRequest, submission_id: int) -> FileResponse:
    """The submitted file, for its learner, for those who may review it and for
    the colleagues it was offered to for peer feedback."""
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
    if (
        not is_owner
        and not may_review_submissions(request.user, submission.enrolment)
        and not is_offered_to(request.user, submission)
    ):
        # Not 403: whether a submission exists is not for others to learn.
        raise Http404
    try:
        handle = submission.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=submission.filename)
