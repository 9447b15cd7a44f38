"""Practical assignments: what a learner submits (text, a checked file) and how
staff accept or return it, with the competence levels they assess."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from pathlib import PurePath

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.conf import lms_setting
from courses.models import (
    AssessedCompetence,
    Assignment,
    AssignmentSubmission,
    CoursePage,
    Enrolment,
    FrameworkLevel,
)
from courses.progress.recording import (
    refresh_summary,
)
from courses.translations import shown_translation

MAX_SUBMISSION_TEXT = 50_000


#: The first bytes of the common types, so a renamed file is caught. Office Open
#: XML and OpenDocument files are zip archives.
ZIP = (b"PK\x03\x04", b"PK\x05\x06")


SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "zip": ZIP,
    "docx": ZIP,
    "pptx": ZIP,
    "xlsx": ZIP,
    "odt": ZIP,
    "odp": ZIP,
    "ods": ZIP,
}


class SubmissionError(Exception):
    """Input or a request that cannot be accepted; the message is for the learner."""


class FileTooLarge(SubmissionError):
    """A file over the upload limit."""


def allowed_extensions() -> list[str]:
    return [ext.lower() for ext in lms_setting("LMS_ASSIGNMENT_EXTENSIONS")]


def max_upload_bytes() -> int:
    return lms_setting("LMS_ASSIGNMENT_MAX_BYTES")


def check_upload(upload: UploadedFile) -> None:
    """Refuse a file of a type not allowed, too large, or whose content does not
    match its extension; called before anything is stored."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    allowed = allowed_extensions()
    if extension not in allowed:
        raise SubmissionError(
            _("Files of this type cannot be submitted. Allowed: %(types)s.")
            % {"types": ", ".join(allowed)}
        )
    limit = max_upload_bytes()
    if upload.size is None or upload.size > limit:
        raise FileTooLarge(
            _("The file is too large; the limit is %(size)s.")
            % {"size": filesizeformat(limit)}
        )
    signatures = SIGNATURES.get(extension)
    if signatures:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(signatures):
            raise SubmissionError(
                _("The file's content does not match its type (.%(ext)s).")
                % {"ext": extension}
            )


def assignment_course(assignment: Assignment) -> CoursePage | None:
    if assignment.page_id is None:
        return None
    return CoursePage.objects.ancestor_of(assignment.page, inclusive=False).first()


def latest_submission(
    enrolment: Enrolment, assignment_key: uuid.UUID
) -> AssignmentSubmission | None:
    return (
        AssignmentSubmission.objects.filter(
            enrolment=enrolment, assignment_key=assignment_key
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )


def can_submit(enrolment: Enrolment, assignment: Assignment) -> bool:
    """Whether a new submission would be taken: none yet, or the last returned."""
    latest = latest_submission(enrolment, assignment.translation_key)
    return latest is None or latest.status == AssignmentSubmission.Status.RETURNED


def submit_assignment(
    enrolment: Enrolment,
    assignment: Assignment,
    text: str = "",
    upload: UploadedFile | None = None,
) -> AssignmentSubmission:
    """Take in a submission. Each resubmission is a new row, so history is kept."""
    text = (text or "").strip()
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise SubmissionError(_("You have withdrawn from this course."))
    if not text and upload is None:
        raise SubmissionError(_("Write a text or attach a file."))
    if len(text) > MAX_SUBMISSION_TEXT:
        raise SubmissionError(
            _("The text is too long; at most %(count)d characters.")
            % {"count": MAX_SUBMISSION_TEXT}
        )
    if upload is not None:
        check_upload(upload)
    with transaction.atomic():
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        latest = latest_submission(enrolment, assignment.translation_key)
        if (
            latest is not None
            and latest.status == AssignmentSubmission.Status.SUBMITTED
        ):
            raise SubmissionError(_("Your submission is waiting for review."))
        if latest is not None and latest.status == AssignmentSubmission.Status.ACCEPTED:
            raise SubmissionError(_("Your submission has already been accepted."))
        submission = AssignmentSubmission(
            enrolment=enrolment,
            assignment=assignment,
            assignment_key=assignment.translation_key,
            text=text,
        )
        if upload is not None:
            submission.file.save(upload.name, upload, save=False)
        try:
            submission.save()
        except Exception:
            if submission.file:
                submission.file.delete(save=False)
            raise
    refresh_summary(enrolment, activity=True)
    return submission


def review_submission(
    submission: AssignmentSubmission,
    reviewer,
    status: str,
    feedback: str = "",
    levels: Mapping[int, FrameworkLevel | None] | None = None,
) -> AssignmentSubmission:
    """Accept or return a submission with feedback and assessed competence levels
    (competence id → level; ``None`` clears it)."""
    if status not in (
        AssignmentSubmission.Status.ACCEPTED,
        AssignmentSubmission.Status.RETURNED,
    ):
        raise SubmissionError(_("Choose to accept or to return the submission."))
    if status == AssignmentSubmission.Status.RETURNED and not feedback.strip():
        raise SubmissionError(_("Tell the learner what to change."))
    assessed = dict(levels or {})
    competences = (
        {c.pk: c for c in submission.assignment.competences.select_related("framework")}
        if submission.assignment
        else {}
    )
    for competence_id, level in assessed.items():
        competence = competences.get(competence_id)
        if competence is None:
            raise SubmissionError(_("This assignment does not assess that competence."))
        if level is not None and level.framework_id != competence.framework_id:
            raise SubmissionError(
                _("Choose a level of the competence's own framework (%(framework)s).")
                % {"framework": competence.framework.code}
            )
    with transaction.atomic():
        submission.status = status
        submission.feedback = feedback.strip()
        submission.reviewed_by = reviewer
        submission.reviewed_at = timezone.now()
        submission.save(
            update_fields=["status", "feedback", "reviewed_by", "reviewed_at"]
        )
        for competence_id, level in assessed.items():
            if level is None:
                submission.assessed_competences.filter(
                    competence_id=competence_id
                ).delete()
            else:
                AssessedCompetence.objects.update_or_create(
                    submission=submission,
                    competence_id=competence_id,
                    defaults={"level": level},
                )
        refresh_summary(submission.enrolment, activity=True)
    return submission


def page_assignments(page, language: str | None = None) -> list[Assignment]:
    """Assignments linked to ``page`` or to any translation of it, one per
    assignment, each in the version a learner reading in ``language`` is shown."""
    versions: dict[uuid.UUID, list[Assignment]] = {}
    for assignment in (
        Assignment.objects.filter(page__translation_key=page.translation_key)
        .select_related("locale")
        .order_by("pk")
    ):
        versions.setdefault(assignment.translation_key, []).append(assignment)
    return [
        shown
        for group in versions.values()
        if (shown := shown_translation(group, group[0], language)) is not None
    ]


def submissions_for(
    enrolment: Enrolment, keys: Iterable[uuid.UUID]
) -> QuerySet[AssignmentSubmission]:
    return AssignmentSubmission.objects.filter(
        enrolment=enrolment, assignment_key__in=list(keys)
    ).prefetch_related(
        "assessed_competences__competence", "assessed_competences__level"
    )
