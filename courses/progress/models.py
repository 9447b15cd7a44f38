"""Per-lesson progress records. Written only through :mod:`courses.progress.recording`."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LessonProgress(models.Model):
    """One learner's progress in one lesson.

    Keyed by the lesson's ``translation_key`` so that the Latvian and English
    versions of a lesson share it.
    """

    class Source(models.TextChoices):
        MARK = "mark", _("Marked as done")
        VIEW = "view", _("Viewed")
        ACTIVITY = "activity", _("Linked activity")
        STAFF = "staff", _("Recorded by staff")

    enrolment = models.ForeignKey(
        "courses.Enrolment", on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson_key = models.UUIDField(_("lesson translation key"))
    first_viewed_at = models.DateTimeField(_("first viewed"), default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    source = models.CharField(
        _("completed by"), max_length=10, choices=Source.choices, blank=True
    )

    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson_key"], name="one_progress_row_per_lesson"
            )
        ]
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")

    def __str__(self) -> str:
        state = _("done") if self.completed_at else _("started")
        return f"{self.lesson_key} {state}"


class ModuleSummary(models.Model):
    """One learner's progress in one module, kept by
    :mod:`courses.progress.recording` beside the enrolment's own summary.

    The reports aggregate these few rows per learner (one per module begun) in the
    database rather than every lesson's progress row. Keyed by the module's
    ``translation_key``, as lessons are; a module not begun has no row.
    """

    enrolment = models.ForeignKey(
        "courses.Enrolment", on_delete=models.CASCADE, related_name="module_summaries"
    )
    module_key = models.UUIDField(_("module translation key"))
    #: lessons of the module opened or completed
    lessons_started = models.PositiveIntegerField(_("lessons started"), default=0)
    #: lessons of the module completed, optional ones included
    lessons_done = models.PositiveIntegerField(_("lessons done"), default=0)
    #: every requirement of the module met: its required lessons done, their
    #: tests passed and its assignments accepted (``complete_modules``)
    complete = models.BooleanField(_("complete"), default=False)

    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "module_key"], name="one_summary_per_module"
            )
        ]
        indexes = [
            models.Index(
                fields=["module_key", "complete"], name="module_summary_funnel"
            )
        ]
        verbose_name = _("module summary")
        verbose_name_plural = _("module summaries")

    def __str__(self) -> str:
        return f"{self.module_key} {self.lessons_done}/{self.lessons_started}"
