"""Cohorts and enrolments, with the enrolment's stored progress summary."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Cohort(models.Model):
    """A group of learners taking a course together, e.g. "Cycle 1, spring 2026"."""

    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="cohorts",
    )
    name = models.CharField(_("name"), max_length=255)
    enrolment_key = models.CharField(
        _("enrolment key"),
        max_length=64,
        blank=True,
        help_text=_("Learners must type this key to join. Leave empty for open entry."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    enrolment_opens_at = models.DateTimeField(
        _("enrolment opens"), null=True, blank=True
    )
    enrolment_closes_at = models.DateTimeField(
        _("enrolment closes"), null=True, blank=True
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    tutors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tutors"),
        blank=True,
        related_name="tutored_cohorts",
        help_text=_(
            "They review this cohort's submissions, take its attendance and follow "
            "its progress."
        ),
    )

    # Learner records are not content: keep them out of Wagtail's reference index,
    # which would otherwise be rewritten on every progress update.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["course", "-starts_on", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "name"], name="unique_cohort_name"
            )
        ]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name

    def is_open(self, at: timezone.datetime | None = None) -> bool:
        at = at or timezone.now()
        if self.enrolment_opens_at and at < self.enrolment_opens_at:
            return False
        return not (self.enrolment_closes_at and at > self.enrolment_closes_at)


class Enrolment(models.Model):
    """A learner in a course.

    The course is identified by its ``translation_key`` so that the Latvian and
    English versions of a course share one enrolment; ``course`` is the version the
    learner enrolled through. The summary fields are written only by
    :mod:`courses.progress.recording`; pages and reports read them and never recount.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        WITHDRAWN = "withdrawn", pgettext_lazy("enrolment", "Withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    course_key = models.UUIDField(_("course translation key"), editable=False)
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    enrolled_at = models.DateTimeField(_("enrolled"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    completed_items = models.PositiveIntegerField(_("items done"), default=0)
    total_items = models.PositiveIntegerField(_("items in total"), default=0)
    percent = models.PositiveSmallIntegerField(_("percent complete"), default=0)
    # What the percent divides (courses.progress.completion.requirement_counts):
    # each lesson, test and assignment is one; attendance is credited in part.
    requirements_done = models.DecimalField(
        _("requirements done"), max_digits=8, decimal_places=2, default=Decimal(0)
    )
    requirements_total = models.PositiveIntegerField(
        _("requirements in total"), default=0
    )
    hours_earned = models.DecimalField(
        _("hours earned"), max_digits=6, decimal_places=1, default=Decimal(0)
    )
    attended_hours = models.DecimalField(
        _("live-session hours attended"),
        max_digits=6,
        decimal_places=1,
        default=Decimal(0),
    )
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    next_lesson = models.ForeignKey(
        "courses.LessonPage",
        verbose_name=_("next lesson"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-enrolled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course_key"],
                name="one_enrolment_per_learner_and_course",
            )
        ]
        indexes = [models.Index(fields=["course_key", "status"])]
        permissions = [
            ("view_progress", _("Can see every course's progress reports")),
            (
                "export_personal_data",
                _("Can see and export learners' e-mail addresses"),
            ),
            ("manage_enrolment", _("Can enrol learners and set up cohorts")),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = pgettext_lazy("model", "enrolments")

    def __str__(self) -> str:
        return f"{self.user} — {self.course}"

    def save(self, *args, **kwargs) -> None:
        if self.course_key is None and self.course_id:
            self.course_key = self.course.translation_key
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status != self.Status.WITHDRAWN


class EnrolmentEvent(models.Model):
    """The history of an enrolment: enrolled, withdrawn, re-enrolled, completed."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("Enrolled")
        WITHDRAWN = "withdrawn", pgettext_lazy("enrolment", "Withdrawn")
        REENROLLED = "reenrolled", _("Re-enrolled")
        COMPLETED = "completed", _("Completed")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("event"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("enrolment event")
        verbose_name_plural = _("enrolment events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"
