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
