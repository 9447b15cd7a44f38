"""Peer feedback on practical assignments: which colleagues' work a learner is
offered to comment on, their comments, and the course team's moderation.

A learner who has submitted is offered up to ``peer_reviews_per_learner``
submissions of other learners of their cohort, the work with the fewest
reviewers first, so that nobody's work is left without comments while another's
collects many. The offer is stored, so it stays the same on every visit. A
comment reaches the work's author only once someone who may review the course's
submissions has approved it."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.assignments.submissions import SubmissionError, latest_submission
from courses.models import Assignment, AssignmentSubmission, Enrolment, PeerReview

MAX_COMMENT = 3000


def offer_peer_reviews(
    enrolment: Enrolment, assignment: Assignment
) -> list[PeerReview]:
    """The learner's peer reviews of ``assignment``, first topped up to the number
    the author chose from the cohort's latest submissions that need them most.

    Nothing is offered before the learner has submitted, to a learner outside any
    cohort, or when the assignment does not ask for peer feedback."""
    key = assignment.translation_key
    if (
        assignment.peer_feedback
        and enrolment.is_active
        and enrolment.cohort_id is not None
        and latest_submission(enrolment, key) is not None
    ):
        with transaction.atomic():
            # One learner's offers are made one request at a time.
            Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
            given = PeerReview.objects.filter(reviewer=enrolment, assignment_key=key)
            wanted = assignment.peer_reviews_per_learner - given.count()
            if wanted > 0:
                chosen = list(_most_needed(enrolment, key, given)[:wanted])
                try:
                    with transaction.atomic():
                        PeerReview.objects.bulk_create(
                            PeerReview(
                                reviewer=enrolment, submission=work, assignment_key=key
                            )
                            for work in chosen
                        )
                except IntegrityError:
                    pass  # The same offer made by a parallel request.
    return list(
        PeerReview.objects.filter(reviewer=enrolment, assignment_key=key)
        .select_related("submission")
        .order_by("offered_at", "pk")
    )


def _most_needed(
    enrolment: Enrolment, key, given: QuerySet[PeerReview]
) -> QuerySet[AssignmentSubmission]:
    """Other cohort members' latest submissions not yet offered to ``enrolment``,
    those whose authors have been given the fewest reviewers first."""
    newest = (
        AssignmentSubmission.objects.filter(
            enrolment=OuterRef("enrolment"), assignment_key=key
        )
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )
    reviewers = (
        PeerReview.objects.filter(
            assignment_key=key, submission__enrolment=OuterRef("enrolment")
        )
        .values("assignment_key")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        AssignmentSubmission.objects.filter(
            assignment_key=key,
            enrolment__cohort_id=enrolment.cohort_id,
            enrolment__course_key=enrolment.course_key,
        )
        .exclude(enrolment=enrolment)
        .exclude(enrolment__status=Enrolment.Status.WITHDRAWN)
        .exclude(enrolment__in=given.values("submission__enrolment"))
        # Work erased at its author's request has nothing left to comment on.
        .exclude(text="", file="")
        .filter(pk=Subquery(newest))
        .annotate(reviewers=Coalesce(Subquery(reviewers), Value(0)))
        .order_by("reviewers", "submitted_at", "pk")
    )


def review_for(user: AbstractBaseUser, review_id: int) -> PeerReview | None:
    """The peer review ``user`` was offered, or ``None`` (also for any other's)."""
    if not user.is_authenticated:
        return None
    return (
        PeerReview.objects.select_related("reviewer", "submission__assignment")
        .filter(pk=review_id, reviewer__user=user)
        .first()
    )


def write_comment(review: PeerReview, text: str) -> PeerReview:
    """Keep the reviewer's comment, held for moderation. A comment may be
    rewritten until it has been moderated."""
    text = (text or "").strip()
    if not review.reviewer.is_active:
        raise SubmissionError(_("You have withdrawn from this course."))
    if review.status in (PeerReview.Status.APPROVED, PeerReview.Status.HIDDEN):
        raise SubmissionError(
            _("Your comment has already been moderated and cannot be changed.")
        )
    if not text:
        raise SubmissionError(_("Write a comment."))
    if len(text) > MAX_COMMENT:
        raise SubmissionError(
            _("The comment is too long; at most %(count)d characters.")
            % {"count": MAX_COMMENT}
        )
    review.comment = text
    review.commented_at = timezone.now()
    review.status = PeerReview.Status.PENDING
    review.save(update_fields=["comment", "commented_at", "status"])
    return review


def moderate_comment(
    review: PeerReview, moderator: AbstractBaseUser, decision: str
) -> PeerReview:
    """Approve a comment (its recipient sees it) or hide it; either can be
    reversed later. Who may moderate is the caller's to check."""
    if decision not in (PeerReview.Status.APPROVED, PeerReview.Status.HIDDEN):
        raise SubmissionError(_("Choose to approve or to hide the comment."))
    if review.status == PeerReview.Status.OFFERED:
        raise SubmissionError(_("There is no comment to moderate yet."))
    review.status = decision
    review.moderated_by = moderator
    review.moderated_at = timezone.now()
    review.save(update_fields=["status", "moderated_by", "moderated_at"])
    return review


def comments_received(enrolment: Enrolment, key) -> list[PeerReview]:
    """Approved comments on the learner's submissions of one assignment."""
    return list(
        PeerReview.objects.filter(
            submission__enrolment=enrolment,
            assignment_key=key,
            status=PeerReview.Status.APPROVED,
        )
        .select_related("reviewer__user")
        .order_by("commented_at", "pk")
    )


def is_offered_to(user: AbstractBaseUser, submission: AssignmentSubmission) -> bool:
    """Whether ``user`` was offered ``submission`` to comment on and is still in
    the course."""
    return (
        PeerReview.objects.filter(submission=submission, reviewer__user=user)
        .exclude(reviewer__status=Enrolment.Status.WITHDRAWN)
        .exists()
    )


def reviewer_name(review: PeerReview) -> str:
    """How a comment is signed for its recipient: the reviewer's name, as a
    classroom would know it; never the user name, which may be an e-mail
    address."""
    return review.reviewer.user.get_full_name() or _("Name not given")
