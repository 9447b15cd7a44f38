"""E-learning packages (SCORM 1.2, SCORM 2004, H5P) that a lesson plays, and each
learner's attempts at them.

A :class:`Package` is one uploaded file, stored once by its content hash and never
changed: re-uploading the same file reuses it, a new version is a new package. An
:class:`Activity` is what authors link from a lesson: a title, the package it
currently plays and the rule by which it completes the lesson. An
:class:`ActivityAttempt` keeps what the package reported for one learner, and
whether the server found the author's rule met.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

#: Where a package's files are kept in the default storage: one folder per
#: content hash, so a stored file never changes under a learner.
STORAGE_PREFIX = "activity-packages"


class Package(models.Model):
    class Kind(models.TextChoices):
        SCORM_12 = "scorm12", "SCORM 1.2"
        SCORM_2004 = "scorm2004", "SCORM 2004"
        H5P = "h5p", "H5P"

    digest = models.CharField(_("SHA-256 of the file"), max_length=64, unique=True)
    kind = models.CharField(_("format"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title in the package"), max_length=255, blank=True)
    launch = models.CharField(
        _("launch file"),
        max_length=500,
        help_text=_("The file a player opens first, inside the package."),
    )
    size = models.PositiveBigIntegerField(_("unpacked size (bytes)"))
    file_count = models.PositiveIntegerField(_("files"))
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("e-learning package")
        verbose_name_plural = _("e-learning packages")

    def __str__(self) -> str:
        return f"{self.title or self.get_kind_display()} ({self.digest[:12]})"

    def storage_name(self, path: str = "") -> str:
        """The name of one of the package's files in the default storage."""
        return f"{STORAGE_PREFIX}/{self.digest}/{path}"

    @property
    def is_scorm(self) -> bool:
        return self.kind in (self.Kind.SCORM_12, self.Kind.SCORM_2004)


class Activity(models.Model):
    """A package as authors link it from a lesson, with the rule that completes it."""

    class Rule(models.TextChoices):
        COMPLETED = "completed", _("The package reports it completed")
        PASSED = "passed", _("The package reports it passed")
        SCORE = "score", _("The score reaches the minimum")

    title = models.CharField(_("title"), max_length=255)
    package = models.ForeignKey(
        Package,
        verbose_name=_("package"),
        on_delete=models.PROTECT,
        related_name="activities",
    )
    rule = models.CharField(
        _("done when"), max_length=10, choices=Rule.choices, default=Rule.COMPLETED
    )
    min_score = models.PositiveSmallIntegerField(
        _("minimum score (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Needed with “The score reaches the minimum”."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("e-learning activity")
        verbose_name_plural = _("e-learning activities")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ActivityAttempt(models.Model):
    """One learner's attempt at an activity: what its package last reported.

    Values are as the package sent them, within the data model's limits; ``met``
    is the server's own verdict by the activity's rule.
    """

    enrolment = models.ForeignKey(
        "courses.Enrolment",
        on_delete=models.CASCADE,
        related_name="activity_attempts",
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="attempts"
    )
    package = models.ForeignKey(Package, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("attempt"), default=1)
    completion = models.CharField(
        _("completion status"), max_length=16, default="unknown"
    )
    success = models.CharField(_("success status"), max_length=16, default="unknown")
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    location = models.CharField(_("location"), max_length=1000, blank=True)
    suspend_data = models.TextField(_("suspend data"), blank=True)
    #: The other data-model elements the package set, by name (bounded in size).
    data = models.JSONField(_("other data"), default=dict, blank=True)
    total_time = models.DurationField(_("time spent"), default=timedelta)
    met = models.BooleanField(_("rule met"), default=False)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last reported"), auto_now=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "activity", "number"],
                name="one_attempt_row_per_number",
            )
        ]
        ordering = ["enrolment", "activity", "number"]
        verbose_name = _("activity attempt")
        verbose_name_plural = _("activity attempts")

    def __str__(self) -> str:
        return f"{self.activity} #{self.number}"

    @property
    def reported(self) -> bool:
        """Whether the package has reported progress in this attempt (a launch
        alone makes an attempt that the learner may never begin)."""
        return progress_reported(self.completion, self.success, self.score)


def progress_reported(completion: str, success: str, score: object) -> bool:
    """Whether an attempt with these values counts as one: the package reported
    a status or a score (the lesson and the report count attempts alike)."""
    return (
        completion in ("completed", "incomplete")
        or success in ("passed", "failed")
        or score is not None
    )
