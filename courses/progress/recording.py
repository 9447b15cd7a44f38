"""The one place that records learning and decides completion.

Every learning event goes through here: one idempotent write of the event, then, in
the same transaction and under a lock on the enrolment row, the enrolment's stored
summary is brought up to date from that learner's records. When the enrolment turns
completed, :data:`courses.signals.course_completed` is sent after commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.models import (
    Assignment,
    AssignmentSubmission,
    Attendance,
    CoursePage,
    Enrolment,
    EnrolmentEvent,
    LessonPage,
    LessonProgress,
    ModulePage,
    QuizAttempt,
)
from courses.signals import course_completed


class ProgressError(Exception):
    """A learning event that cannot be recorded; the message is for the learner."""


@dataclass
class ModuleOutline:
    page_id: int
    path: str
    hours: Decimal
    key: uuid.UUID
    title: str = ""
    lesson_keys: list[uuid.UUID] = field(default_factory=list)


@dataclass
class CourseOutline:
    """The live structure of a course: modules in order, each with lesson keys."""

    modules: list[ModuleOutline]
    lesson_ids: dict[uuid.UUID, int]
    optional_keys: set[uuid.UUID] = field(default_factory=set)
    #: lesson key → key of the quiz linked to the lesson
    quiz_keys: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)

    @property
    def required_quiz_keys(self) -> set[uuid.UUID]:
        return {
            quiz
            for lesson, quiz in self.quiz_keys.items()
            if lesson not in self.optional_keys
        }

    @property
    def lesson_keys(self) -> list[uuid.UUID]:
        return [key for module in self.modules for key in module.lesson_keys]

    @property
    def required_keys(self) -> list[uuid.UUID]:
        """Lessons that count towards completion (all but the optional ones)."""
        return [key for key in self.lesson_keys if key not in self.optional_keys]

    def module_of(self, lesson_key: uuid.UUID) -> ModuleOutline | None:
        for module in self.modules:
            if lesson_key in module.lesson_keys:
                return module
        return None

    def open_modules(self, done: set[uuid.UUID], sequential: bool) -> set[str]:
        """Paths of the modules a learner may work in."""
        if not sequential:
            return {module.path for module in self.modules}
        opened = set()
        for module in self.modules:
            opened.add(module.path)
            if not self.module_done(module, done):
                break
        return opened

    def module_done(self, module: ModuleOutline, done: set[uuid.UUID]) -> bool:
        required = [k for k in module.lesson_keys if k not in self.optional_keys]
        return bool(module.lesson_keys) and set(required) <= done


def course_outline(course: CoursePage) -> CourseOutline:
    """Two queries, whatever the size of the course."""
    modules = (
        ModulePage.objects.live()
        .child_of(course)
        .values_list("pk", "path", "hours", "translation_key", "title")
    )
    lessons = (
        LessonPage.objects.live()
        .descendant_of(course)
        .order_by("path")
        .values_list(
            "pk", "path", "translation_key", "optional", "quiz__translation_key"
        )
    )
    return build_outline(modules, lessons)


def build_outline(modules, lessons) -> CourseOutline:
    """An outline from ``(pk, path, hours, translation_key, title)`` module rows and ``(pk,
    path, translation_key, optional, quiz translation_key)`` lesson rows in page-tree
    order."""
    outline = CourseOutline(
        modules=[
            ModuleOutline(page_id=pk, path=path, hours=hours, key=key, title=title)
            for pk, path, hours, key, title in modules
        ],
        lesson_ids={},
    )
    by_path = {module.path: module for module in outline.modules}
    for pk, path, key, optional, quiz_key in lessons:
        module = by_path.get(path[: -LessonPage.steplen])
        if module is not None:
            module.lesson_keys.append(key)
            outline.lesson_ids[key] = pk
            if optional:
                outline.optional_keys.add(key)
            if quiz_key:
                outline.quiz_keys[key] = quiz_key
    return outline


def find_enrolment(
    user, course: CoursePage, *, with_cohort: bool = True
) -> Enrolment | None:
    """The learner's enrolment in any language version of ``course``, with its
    cohort unless ``with_cohort`` is false (lesson pages do not show it)."""
    if not user.is_authenticated:
        return None
    enrolments = Enrolment.objects.all()
    if with_cohort:
        enrolments = enrolments.select_related("cohort")
    try:
        # get() runs without ORDER BY, which Django compiles faster.
        enrolment = enrolments.get(user=user, course_key=course.translation_key)
    except Enrolment.DoesNotExist:
        return None
    if enrolment.course_id == course.pk:
        enrolment.course = course
    return enrolment


def course_of_lesson(lesson: LessonPage) -> CoursePage | None:
    return CoursePage.objects.ancestor_of(lesson).first()


def record_lesson_viewed(enrolment: Enrolment, lesson: LessonPage) -> LessonProgress:
    """Note the first view of a lesson and return its progress row; a lesson whose
    rule is "done on first view" is completed."""
    progress = LessonProgress.objects.filter(
        enrolment=enrolment, lesson_key=lesson.translation_key
    ).first()
    if progress is not None and (
        progress.completed_at
        or lesson.completion_rule != LessonPage.CompletionRule.VIEW
    ):
        return progress
    if lesson.completion_rule == LessonPage.CompletionRule.VIEW:
        return record_lesson_completed(enrolment, lesson, LessonProgress.Source.VIEW)
    progress, _created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, lesson_key=lesson.translation_key
    )
    return progress


def record_lesson_completed(
    enrolment: Enrolment,
    lesson: LessonPage,
    source: str = LessonProgress.Source.MARK,
) -> LessonProgress:
    """Record that the learner completed ``lesson``; safe to call any number of times.

    Raises :class:`ProgressError` when the enrolment is withdrawn, or the lesson is
    not live, not in the course, or in a module that is not open yet.
    """
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        raise ProgressError(_("You have withdrawn from this course."))
    if not lesson.live:
        raise ProgressError(_("This lesson is not published."))
    with transaction.atomic():
        locked = _lock(enrolment)
        outline = course_outline(locked.course)
        done = completed_keys(locked)
        module = outline.module_of(lesson.translation_key)
        if module is None:
            raise ProgressError(_("This lesson is not part of your course."))
        if module.path not in outline.open_modules(done, locked.course.sequential):
            raise ProgressError(_("Complete the previous module first."))
        now = timezone.now()
        progress, created = LessonProgress.objects.get_or_create(
            enrolment=locked,
            lesson_key=lesson.translation_key,
            defaults={"first_viewed_at": now, "completed_at": now, "source": source},
        )
        if not created and progress.completed_at is None:
            progress.completed_at = now
            progress.source = source
            progress.save(update_fields=["completed_at", "source"])
        done.add(lesson.translation_key)
        _apply_summary(locked, outline, done, now)
    _copy_summary(locked, enrolment)
    return progress


def _lock(enrolment: Enrolment) -> Enrolment:
    """The enrolment, re-read under a row lock: every event of one enrolment waits
    for the one before it, so two events cannot overwrite each other's summary."""
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("course", "cohort")
        .get(pk=enrolment.pk)
    )


def _copy_summary(source: Enrolment, target: Enrolment) -> None:
    """Hand the fresh summary to the caller's instance without another query."""
    for name in SUMMARY_FIELDS:
        setattr(target, name, getattr(source, name))


SUMMARY_FIELDS = (
    "status",
    "completed_at",
    "completed_items",
    "total_items",
    "percent",
    "hours_earned",
    "attended_hours",
    "last_activity_at",
    "next_lesson_id",
)


def lesson_flags(enrolment: Enrolment) -> dict[uuid.UUID, bool]:
    """Whether each lesson the learner has opened is done, by lesson key."""
    meta = LessonProgress._meta
    quote = connection.ops.quote_name
    # Plain SQL: every lesson page reads this, and compiling the ORM query would
    # take longer than running it.
    sql = "SELECT {key}, {completed} IS NOT NULL FROM {table} WHERE {enrolment} = %s"
    with connection.cursor() as cursor:
        cursor.execute(
            sql.format(
                key=quote(meta.get_field("lesson_key").column),
                completed=quote(meta.get_field("completed_at").column),
                table=quote(meta.db_table),
                enrolment=quote(meta.get_field("enrolment").column),
            ),
            [enrolment.pk],
        )
        # SQLite hands back UUIDs as hex text, PostgreSQL as UUIDs.
        return {
            key if isinstance(key, uuid.UUID) else uuid.UUID(key): bool(done)
            for key, done in cursor.fetchall()
        }


def completed_keys(enrolment: Enrolment) -> set[uuid.UUID]:
    return set(
        LessonProgress.objects.filter(
            enrolment=enrolment, completed_at__isnull=False
        ).values_list("lesson_key", flat=True)
    )


def refresh_summary(enrolment: Enrolment, activity: bool = False) -> Enrolment:
    """Recount one enrolment's summary, e.g. after lessons were (un)published;
    ``activity`` notes the learner's activity now (e.g. a graded quiz attempt)."""
    with transaction.atomic():
        locked = _lock(enrolment)
        outline = course_outline(locked.course)
        now = timezone.now() if activity else None
        _apply_summary(locked, outline, completed_keys(locked), now)
    _copy_summary(locked, enrolment)
    return locked


@dataclass
class Requirement:
    """One line of a course's completion checklist, as the learner sees it."""

    code: str
    label: str
    done: Decimal
    needed: Decimal
    #: what the learner is waiting for, e.g. "1 awaiting review"
    note: str = ""

    @property
    def met(self) -> bool:
        return self.done >= self.needed

    @property
    def share(self) -> Decimal:
        """How far along this requirement is, from 0 to 1."""
        if not self.needed:
            return Decimal(1)
        return min(self.done, self.needed) / self.needed


#: Requirements that count items (each lesson, test or assignment weighs one); the
#: others (attendance) weigh one in all.
COUNTED_REQUIREMENTS = {"lessons", "quizzes", "assignments"}


def completion_percent(checklist: list[Requirement]) -> int:
    """How much of the course is done, over every requirement of its checklist.

    100 only when every requirement is met: lessons all done but an assignment
    awaiting review, or attendance missing, stays below it.
    """
    weights = [
        (requirement.needed if requirement.code in COUNTED_REQUIREMENTS else 1)
        for requirement in checklist
    ]
    total = sum(weights, Decimal(0))
    if not total:
        return 0
    done = sum(
        (
            weight * requirement.share
            for weight, requirement in zip(weights, checklist, strict=True)
        ),
        Decimal(0),
    )
    percent = int(100 * done / total)
    if not all(requirement.met for requirement in checklist):
        percent = min(percent, 99)
    return percent


@dataclass
class Evidence:
    """What one learner has done, read in a fixed number of queries."""

    lessons: set[uuid.UUID]
    quizzes_passed: set[uuid.UUID]
    assignments_accepted: set[uuid.UUID]
    attended_by_module: dict[uuid.UUID, Decimal]
    #: submitted and waiting for staff to review them
    assignments_awaiting_review: set[uuid.UUID] = field(default_factory=set)

    @property
    def attended_hours(self) -> Decimal:
        return sum(self.attended_by_module.values(), Decimal(0))


def gather_evidence(enrolment: Enrolment, lessons_done: set[uuid.UUID]) -> Evidence:
    attended: dict[uuid.UUID, Decimal] = {}
    for module_key, hours in (
        Attendance.objects.filter(enrolment=enrolment, status=Attendance.Status.PRESENT)
        .values_list("session__module__translation_key")
        .annotate(total=Sum("hours"))
        .order_by()
    ):
        attended[module_key] = hours or Decimal(0)
    submissions = set(
        AssignmentSubmission.objects.filter(
            enrolment=enrolment,
            status__in=[
                AssignmentSubmission.Status.ACCEPTED,
                AssignmentSubmission.Status.SUBMITTED,
            ],
        )
        .values_list("assignment_key", "status")
        .distinct()
    )
    return Evidence(
        lessons=lessons_done,
        quizzes_passed=set(
            QuizAttempt.objects.filter(enrolment=enrolment, passed=True)
            .values_list("quiz_key", flat=True)
            .distinct()
        ),
        assignments_accepted={
            key
            for key, status in submissions
            if status == AssignmentSubmission.Status.ACCEPTED
        },
        assignments_awaiting_review={
            key
            for key, status in submissions
            if status == AssignmentSubmission.Status.SUBMITTED
        },
        attended_by_module=attended,
    )


def course_assignment_keys(outline: CourseOutline) -> set[uuid.UUID]:
    """Practical assignments set on the course's modules or lessons."""
    page_ids = [m.page_id for m in outline.modules] + list(outline.lesson_ids.values())
    if not page_ids:
        return set()
    return set(
        Assignment.objects.filter(page_id__in=page_ids)
        .values_list("translation_key", flat=True)
        .distinct()
    )


def completion_checklist(
    enrolment: Enrolment, outline: CourseOutline, evidence: Evidence
) -> list[Requirement]:
    """The course's completion criteria and how far the learner is with each.

    Required lessons always count; quizzes linked to required lessons must be
    passed; every practical assignment must be accepted; and the course may ask for
    a minimum of live-session attendance, in hours or as a share of its sessions.
    """
    course = enrolment.course
    required = outline.required_keys
    checklist = [
        Requirement(
            "lessons",
            _("Required lessons done"),
            Decimal(sum(1 for key in required if key in evidence.lessons)),
            Decimal(len(required)),
        )
    ]
    quizzes = outline.required_quiz_keys
    if quizzes:
        checklist.append(
            Requirement(
                "quizzes",
                _("Tests passed"),
                Decimal(len(quizzes & evidence.quizzes_passed)),
                Decimal(len(quizzes)),
            )
        )
    assignments = course_assignment_keys(outline)
    if assignments:
        accepted = assignments & evidence.assignments_accepted
        awaiting = (assignments & evidence.assignments_awaiting_review) - accepted
        checklist.append(
            Requirement(
                "assignments",
                _("Practical assignments accepted"),
                Decimal(len(accepted)),
                Decimal(len(assignments)),
                note=ngettext(
                    "%(count)d awaiting review",
                    "%(count)d awaiting review",
                    len(awaiting),
                )
                % {"count": len(awaiting)}
                if awaiting
                else "",
            )
        )
    if course.min_attendance_hours:
        checklist.append(
            Requirement(
                "attendance_hours",
                _("Live-session hours attended"),
                evidence.attended_hours,
                course.min_attendance_hours,
            )
        )
    if course.min_attendance_percent:
        from courses.attendance import course_session_hours

        offered = course_session_hours(course, enrolment.cohort)
        share = (
            (100 * evidence.attended_hours / offered).quantize(Decimal(1))
            if offered
            else Decimal(100)
        )
        checklist.append(
            Requirement(
                "attendance_percent",
                _("Share of live-session hours attended (%)"),
                share,
                Decimal(course.min_attendance_percent),
            )
        )
    return checklist


def learner_checklist(enrolment: Enrolment) -> list[Requirement]:
    """The checklist for a learner's page, computed from their records."""
    outline = course_outline(enrolment.course)
    evidence = gather_evidence(enrolment, completed_keys(enrolment))
    return completion_checklist(enrolment, outline, evidence)


def hours_earned(outline: CourseOutline, evidence: Evidence) -> Decimal:
    """A completed module earns its hours; before that, the live-session hours
    attended in it count, up to the module's hours."""
    total = Decimal(0)
    for module in outline.modules:
        if outline.module_done(module, evidence.lessons):
            total += module.hours
        else:
            total += min(module.hours, evidence.attended_by_module.get(module.key, 0))
    return total


def _apply_summary(
    enrolment: Enrolment,
    outline: CourseOutline,
    done: set[uuid.UUID],
    activity_at: timezone.datetime | None,
) -> None:
    evidence = gather_evidence(enrolment, done)
    checklist = completion_checklist(enrolment, outline, evidence)
    keys = outline.lesson_keys
    required = outline.required_keys
    enrolment.total_items = len(required)
    enrolment.completed_items = sum(1 for key in required if key in done)
    enrolment.percent = completion_percent(checklist)
    # A completed course keeps the hours it was completed with: they are what its
    # certificate states, whatever modules are added or re-weighed later.
    if not enrolment.completed_at:
        enrolment.hours_earned = hours_earned(outline, evidence)
    enrolment.attended_hours = evidence.attended_hours
    next_key = next((key for key in keys if key not in done), None)
    enrolment.next_lesson_id = outline.lesson_ids.get(next_key) if next_key else None
    fields = [
        "total_items",
        "completed_items",
        "percent",
        "hours_earned",
        "attended_hours",
        "next_lesson",
    ]
    if activity_at is not None:
        enrolment.last_activity_at = activity_at
        fields.append("last_activity_at")
    if (
        enrolment.status == Enrolment.Status.ACTIVE
        and any(requirement.needed for requirement in checklist)
        and all(requirement.met for requirement in checklist)
    ):
        enrolment.status = Enrolment.Status.COMPLETED
        enrolment.completed_at = activity_at or timezone.now()
        fields += ["status", "completed_at"]
        EnrolmentEvent.objects.create(
            enrolment=enrolment, kind=EnrolmentEvent.Kind.COMPLETED
        )
        transaction.on_commit(
            lambda: course_completed.send(sender=Enrolment, enrolment=enrolment)
        )
    enrolment.save(update_fields=fields)
