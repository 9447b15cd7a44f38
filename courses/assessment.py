"""The one place that runs quizzes and assignments: starting and grading attempts,
taking in submissions and recording reviews.

Grading happens here, on the server, only. What reaches a learner before an attempt
is submitted comes from :func:`public_questions`, which carries no answer key.
Every outcome that counts towards a course goes through :mod:`courses.progress.recording`.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import (
    AssessedCompetence,
    Assignment,
    AssignmentSubmission,
    CoursePage,
    Enrolment,
    FrameworkLevel,
    LessonPage,
    LessonProgress,
    Quiz,
    QuizAttempt,
)
from courses.progress.completion import completed_keys
from courses.progress.outline import course_outline
from courses.progress.recording import (
    ProgressError,
    find_enrolment,
    record_lesson_completed,
    refresh_summary,
)
from courses.quizzes.blocks import Question

#: Time allowed after a quiz's limit for the submission to arrive (slow networks).
GRACE = timedelta(seconds=30)
MAX_TEXT_ANSWER = 1000
MAX_SUBMISSION_TEXT = 50_000
DEFAULT_EXTENSIONS = [
    "pdf",
    "docx",
    "odt",
    "pptx",
    "odp",
    "xlsx",
    "ods",
    "jpg",
    "jpeg",
    "png",
    "zip",
]
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

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


class AssessmentError(Exception):
    """Input or a request that cannot be accepted; the message is for the learner."""


# Grading ------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    points: int
    max_points: int
    correct: bool
    answered: bool


@dataclass(frozen=True)
class GradeResult:
    score: int
    max_score: int
    percent: int
    passed: bool
    questions: list[QuestionResult]


def normalise(text: str) -> str:
    """Casefolded, NFC, with runs of whitespace collapsed and the ends trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError
    if isinstance(value, str):
        # Latvian writes decimals with a comma.
        value = value.strip().replace(",", ".")
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError
    return number


def _check_answer(question: Question, value: Any) -> Any:
    """The answer in its canonical form, or :class:`AssessmentError` when it cannot
    be an answer to ``question``; ``None`` means unanswered."""
    wrong_type = AssessmentError(
        _("The answer to question %(id)s has the wrong type.") % {"id": question.id}
    )
    if value is None:
        return None
    if question.type == "single":
        if not isinstance(value, str):
            raise wrong_type
        if value not in question.option_ids:
            raise AssessmentError(
                _("“%(option)s” is not an option of question %(id)s.")
                % {"option": value[:60], "id": question.id}
            )
        return value
    if question.type == "multiple":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise wrong_type
        if len(set(value)) != len(value):
            raise AssessmentError(
                _("An option of question %(id)s is given more than once.")
                % {"id": question.id}
            )
        for option in value:
            if option not in question.option_ids:
                raise AssessmentError(
                    _("“%(option)s” is not an option of question %(id)s.")
                    % {"option": option[:60], "id": question.id}
                )
        return sorted(value) or None
    if question.type == "true_false":
        if not isinstance(value, bool):
            raise wrong_type
        return value
    if question.type == "numeric":
        if isinstance(value, str) and not value.strip():
            return None
        try:
            return _number(value)
        except (ValueError, InvalidOperation):
            raise wrong_type from None
    if not isinstance(value, str):
        raise wrong_type
    if len(value) > MAX_TEXT_ANSWER:
        raise AssessmentError(
            _("The answer to question %(id)s is too long.") % {"id": question.id}
        )
    return value if value.strip() else None


def _is_correct(question: Question, answer: Any) -> bool:
    if answer is None:
        return False
    if question.type == "single":
        return any(o.correct for o in question.options if o.id == answer)
    if question.type == "multiple":
        return set(answer) == {o.id for o in question.options if o.correct}
    if question.type == "true_false":
        return answer is question.answer
    if question.type == "numeric":
        return abs(answer - question.answer) <= question.tolerance
    if question.match == "exact":
        given = unicodedata.normalize("NFC", answer).strip()
        return any(given == unicodedata.normalize("NFC", a) for a in question.answers)
    return normalise(answer) in {normalise(a) for a in question.answers}


def check_answers(questions: list[Question], answers: Any) -> dict[str, Any]:
    """Validate ``answers`` (question id → answer) against ``questions``."""
    if not isinstance(answers, Mapping):
        raise AssessmentError(_("Answers must map question ids to answers."))
    by_id = {question.id: question for question in questions}
    checked = {}
    for question_id, value in answers.items():
        question = by_id.get(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise AssessmentError(
                _("Unknown question: %(id)s.") % {"id": str(question_id)[:60]}
            )
        checked[question_id] = _check_answer(question, value)
    return checked


def grade(quiz: Quiz, answers: Any) -> GradeResult:
    """Score ``answers`` against the quiz's answer key.

    Each question earns its points when answered correctly and nothing otherwise;
    for multiple choice, exactly the correct options must be chosen.
    """
    questions = quiz.get_questions()
    checked = check_answers(questions, answers)
    results = []
    for question in questions:
        answer = checked.get(question.id)
        correct = _is_correct(question, answer)
        results.append(
            QuestionResult(
                question_id=question.id,
                points=question.points if correct else 0,
                max_points=question.points,
                correct=correct,
                answered=answer is not None,
            )
        )
    score = sum(r.points for r in results)
    max_score = sum(r.max_points for r in results)
    return GradeResult(
        score=score,
        max_score=max_score,
        percent=(100 * score) // max_score if max_score else 0,
        passed=bool(max_score) and 100 * score >= quiz.pass_mark * max_score,
        questions=results,
    )


def answers_from_form(quiz: Quiz, data) -> dict[str, Any]:
    """Answers from a submitted quiz form (a ``QueryDict``) in :func:`grade`'s
    shape. Fields are named ``q-<question id>``."""
    by_id = {question.id: question for question in quiz.get_questions()}
    answers: dict[str, Any] = {}
    for name in data:
        if not name.startswith("q-"):
            continue
        question = by_id.get(name[2:])
        if question is None:
            raise AssessmentError(_("Unknown question: %(id)s.") % {"id": name[2:60]})
        values = data.getlist(name)
        if question.type == "multiple":
            answers[question.id] = values
            continue
        if len(values) != 1:
            raise AssessmentError(
                _("Question %(id)s has more than one answer.") % {"id": question.id}
            )
        value = values[0]
        if question.type == "true_false":
            if value not in ("true", "false"):
                raise AssessmentError(
                    _("The answer to question %(id)s has the wrong type.")
                    % {"id": question.id}
                )
            answers[question.id] = value == "true"
        else:
            answers[question.id] = value
    return answers


# What a learner may see -------------------------------------------------------


@dataclass(frozen=True)
class PublicOption:
    id: str
    text: str


@dataclass(frozen=True)
class PublicQuestion:
    """A question without its answer key or feedback."""

    id: str
    type: str
    text: str
    points: int
    options: tuple[PublicOption, ...]


def public_questions(
    quiz: Quiz, attempt: QuizAttempt | None = None
) -> list[PublicQuestion]:
    """The questions as a learner may see them before submitting, in the attempt's
    order (shuffled per attempt when the quiz says so)."""
    questions = quiz.get_questions()
    if attempt is not None and attempt.question_order:
        position = {qid: n for n, qid in enumerate(attempt.question_order)}
        questions.sort(key=lambda q: position.get(q.id, len(position)))
    public = []
    for question in questions:
        options = [PublicOption(o.id, o.text) for o in question.options]
        if quiz.shuffle and attempt is not None:
            # Seeded by attempt and question: the same order on every reload,
            # without storing it.
            random.Random(f"{attempt.pk}:{question.id}").shuffle(options)
        public.append(
            PublicQuestion(
                id=question.id,
                type=question.type,
                text=question.text,
                points=question.points,
                options=tuple(options),
            )
        )
    return public


# Attempts ------------------------------------------------------------------------


def quiz_lessons(quiz_key: uuid.UUID, course: CoursePage) -> QuerySet[LessonPage]:
    """Live lessons of ``course`` that link a translation of the quiz."""
    return (
        LessonPage.objects.live()
        .descendant_of(course)
        .filter(quiz__translation_key=quiz_key)
        .order_by("path")
    )


def enrolment_for_quiz(user, quiz: Quiz) -> Enrolment | None:
    """The user's active enrolment in a course that has a lesson linking ``quiz``."""
    if not user.is_authenticated:
        return None
    lessons = LessonPage.objects.live().filter(
        quiz__translation_key=quiz.translation_key
    )
    courses = CoursePage.objects.filter(
        translation_key__in=Enrolment.objects.filter(user=user)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .values("course_key")
    )
    for lesson in lessons:
        course = courses.ancestor_of(lesson).first()
        if course is not None:
            return find_enrolment(user, course)
    return None


def attempts_used(enrolment: Enrolment, quiz_key: uuid.UUID) -> int:
    return QuizAttempt.objects.filter(enrolment=enrolment, quiz_key=quiz_key).count()


def attempts_left(quiz: Quiz, used: int) -> int | None:
    """``None`` when the quiz has no limit."""
    return None if not quiz.max_attempts else max(quiz.max_attempts - used, 0)


def is_expired(attempt: QuizAttempt, quiz: Quiz, now=None) -> bool:
    limit = quiz.time_limit
    now = now or timezone.now()
    return limit is not None and now > attempt.started_at + limit + GRACE


def open_attempt(enrolment: Enrolment, quiz: Quiz) -> QuizAttempt | None:
    """The attempt the learner is in the middle of, if its time has not run out."""
    attempt = (
        QuizAttempt.objects.filter(
            enrolment=enrolment,
            quiz_key=quiz.translation_key,
            submitted_at__isnull=True,
        )
        .order_by("-started_at")
        .first()
    )
    if attempt is None or is_expired(attempt, quiz):
        return None
    return attempt


def _check_can_take(enrolment: Enrolment, quiz: Quiz) -> None:
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise AssessmentError(_("You have withdrawn from this course."))
    if not quiz.live:
        raise AssessmentError(_("This quiz is not available."))
    lessons = list(quiz_lessons(quiz.translation_key, enrolment.course))
    if not lessons:
        raise AssessmentError(_("This quiz is not part of your course."))
    outline = course_outline(enrolment.course)
    opened = outline.open_modules(
        completed_keys(enrolment), enrolment.course.sequential
    )
    if not any(lesson.path[: -LessonPage.steplen] in opened for lesson in lessons):
        raise AssessmentError(_("Complete the previous module first."))


def start_attempt(enrolment: Enrolment, quiz: Quiz) -> tuple[QuizAttempt, bool]:
    """Start an attempt, or hand back the one in progress; ``(attempt, created)``.

    Raises :class:`AssessmentError` when the learner may not take the quiz, or has
    used all attempts.
    """
    _check_can_take(enrolment, quiz)
    questions = quiz.get_questions()
    if not questions:
        raise AssessmentError(_("This quiz has no questions yet."))
    with transaction.atomic():
        # Serialise one learner's starts so two clicks cannot exceed the limit.
        Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
        current = open_attempt(enrolment, quiz)
        if current is not None:
            return current, False
        used = attempts_used(enrolment, quiz.translation_key)
        if attempts_left(quiz, used) == 0:
            raise AssessmentError(
                _("You have used all %(count)d attempts at this quiz.")
                % {"count": quiz.max_attempts}
            )
        order = [question.id for question in questions]
        if quiz.shuffle:
            random.SystemRandom().shuffle(order)
        attempt = QuizAttempt.objects.create(
            enrolment=enrolment,
            quiz=quiz,
            quiz_key=quiz.translation_key,
            question_order=order,
        )
    return attempt, True


def quiz_for_attempt(attempt: QuizAttempt, language: str | None = None) -> Quiz:
    """The quiz to show and grade ``attempt`` with: its translation in
    ``language`` when that has the same questions, else the one it was started in."""
    quizzes = Quiz.objects.filter(translation_key=attempt.quiz_key, live=True)
    if language:
        translation = quizzes.filter(locale__language_code=language).first()
        if translation is not None and {
            q.id for q in translation.get_questions()
        } == set(attempt.question_order):
            return translation
    quiz = attempt.quiz or quizzes.first()
    if quiz is None or not quiz.live:
        raise AssessmentError(_("This quiz is not available."))
    return quiz


def submit_attempt(
    attempt: QuizAttempt, answers: Any, quiz: Quiz | None = None, now=None
) -> GradeResult:
    """Grade and record an attempt; a passed quiz completes the lessons that are
    done by it. Nothing is recorded when the answers are refused."""
    quiz = quiz or quiz_for_attempt(attempt)
    if quiz.translation_key != attempt.quiz_key:
        raise AssessmentError(_("These answers belong to another quiz."))
    now = now or timezone.now()
    enrolment = attempt.enrolment
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise AssessmentError(_("You have withdrawn from this course."))
    with transaction.atomic():
        locked = QuizAttempt.objects.select_for_update().get(pk=attempt.pk)
        if locked.submitted_at is not None:
            raise AssessmentError(_("This attempt has already been submitted."))
        if is_expired(locked, quiz, now):
            raise AssessmentError(
                _("The time limit has passed; this attempt can no longer be submitted.")
            )
        result = grade(quiz, answers)
        locked.answers = {
            key: str(value) if isinstance(value, Decimal) else value
            for key, value in check_answers(quiz.get_questions(), answers).items()
        }
        locked.results = [
            {
                "question": r.question_id,
                "points": r.points,
                "max_points": r.max_points,
                "correct": r.correct,
            }
            for r in result.questions
        ]
        locked.submitted_at = now
        locked.score = result.score
        locked.max_score = result.max_score
        locked.percent = result.percent
        locked.passed = result.passed
        locked.save()
        _record_quiz_outcome(enrolment, quiz, result.passed)
    for name in (
        "answers",
        "results",
        "submitted_at",
        "score",
        "max_score",
        "percent",
        "passed",
    ):
        setattr(attempt, name, getattr(locked, name))
    return result


def _record_quiz_outcome(enrolment: Enrolment, quiz: Quiz, passed: bool) -> None:
    completed = False
    if passed:
        for lesson in quiz_lessons(quiz.translation_key, enrolment.course).filter(
            completion_rule=LessonPage.CompletionRule.ACTIVITY
        ):
            try:
                record_lesson_completed(
                    enrolment, lesson, LessonProgress.Source.ACTIVITY
                )
            except ProgressError:
                # The attempt stands; the lesson can still be completed later.
                continue
            completed = True
    if not completed:
        refresh_summary(enrolment, activity=True)


# Assignments ----------------------------------------------------------------------


def allowed_extensions() -> list[str]:
    return [
        ext.lower().lstrip(".")
        for ext in getattr(
            settings, "COURSES_ASSIGNMENT_EXTENSIONS", DEFAULT_EXTENSIONS
        )
    ]


def max_upload_bytes() -> int:
    return getattr(settings, "COURSES_ASSIGNMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def check_upload(upload: UploadedFile) -> None:
    """Refuse a file of a type not allowed, too large, or whose content does not
    match its extension; called before anything is stored."""
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    allowed = allowed_extensions()
    if extension not in allowed:
        raise AssessmentError(
            _("Files of this type cannot be submitted. Allowed: %(types)s.")
            % {"types": ", ".join(allowed)}
        )
    limit = max_upload_bytes()
    if upload.size is None or upload.size > limit:
        raise AssessmentError(
            _("The file is too large; the limit is %(size)s.")
            % {"size": filesizeformat(limit)}
        )
    signatures = SIGNATURES.get(extension)
    if signatures:
        upload.seek(0)
        head = upload.read(16)
        upload.seek(0)
        if not head.startswith(signatures):
            raise AssessmentError(
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
        raise AssessmentError(_("You have withdrawn from this course."))
    if not text and upload is None:
        raise AssessmentError(_("Write a text or attach a file."))
    if len(text) > MAX_SUBMISSION_TEXT:
        raise AssessmentError(
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
            raise AssessmentError(_("Your submission is waiting for review."))
        if latest is not None and latest.status == AssignmentSubmission.Status.ACCEPTED:
            raise AssessmentError(_("Your submission has already been accepted."))
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
        raise AssessmentError(_("Choose to accept or to return the submission."))
    if status == AssignmentSubmission.Status.RETURNED and not feedback.strip():
        raise AssessmentError(_("Tell the learner what to change."))
    assessed = dict(levels or {})
    competences = (
        {c.pk: c for c in submission.assignment.competences.select_related("framework")}
        if submission.assignment
        else {}
    )
    for competence_id, level in assessed.items():
        competence = competences.get(competence_id)
        if competence is None:
            raise AssessmentError(_("This assignment does not assess that competence."))
        if level is not None and level.framework_id != competence.framework_id:
            raise AssessmentError(
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
    assignment, preferring the translation in ``language``."""
    found: dict[uuid.UUID, Assignment] = {}
    for assignment in Assignment.objects.filter(
        page__translation_key=page.translation_key
    ).select_related("locale"):
        current = found.get(assignment.translation_key)
        if current is None or assignment.locale.language_code == language:
            found[assignment.translation_key] = assignment
    return list(found.values())


def submissions_for(
    enrolment: Enrolment, keys: Iterable[uuid.UUID]
) -> QuerySet[AssignmentSubmission]:
    return AssignmentSubmission.objects.filter(
        enrolment=enrolment, assignment_key__in=list(keys)
    ).prefetch_related(
        "assessed_competences__competence", "assessed_competences__level"
    )


@dataclass
class QuizPanel:
    """What the lesson page shows of its quiz, for one learner."""

    quiz: Quiz
    attempts: list[QuizAttempt]
    current: QuizAttempt | None
    questions: list[PublicQuestion]
    attempts_left: int | None

    @property
    def passed(self) -> bool:
        return any(attempt.passed for attempt in self.attempts)

    @property
    def best_percent(self) -> int | None:
        graded = [a.percent for a in self.attempts if a.submitted_at]
        return max(graded) if graded else None

    @property
    def can_start(self) -> bool:
        return self.current is None and self.attempts_left != 0


def quiz_panel(
    lesson: LessonPage, enrolment: Enrolment | None, language: str | None
) -> QuizPanel | None:
    """The lesson's quiz in ``language`` with the learner's attempts; two queries
    however many questions the quiz has."""
    if lesson.quiz_id is None:
        return None
    translations = list(
        Quiz.objects.filter(
            translation_key__in=Quiz.objects.filter(pk=lesson.quiz_id).values(
                "translation_key"
            ),
            live=True,
        ).select_related("locale")
    )
    quiz = next(
        (q for q in translations if q.locale.language_code == language),
        next((q for q in translations if q.pk == lesson.quiz_id), None),
    )
    if quiz is None:
        return None
    attempts: list[QuizAttempt] = []
    if enrolment is not None:
        attempts = list(
            QuizAttempt.objects.filter(
                enrolment=enrolment, quiz_key=quiz.translation_key
            ).order_by("-started_at", "-pk")
        )
    current = next(
        (a for a in attempts if a.submitted_at is None and not is_expired(a, quiz)),
        None,
    )
    if current is not None:
        # The deadline shown is the quiz's, without the grace.
        current.quiz = quiz
    return QuizPanel(
        quiz=quiz,
        attempts=attempts,
        current=current,
        questions=public_questions(quiz, current) if current else [],
        attempts_left=attempts_left(quiz, len(attempts)),
    )
