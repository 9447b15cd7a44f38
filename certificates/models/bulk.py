"""Bulk issues started by staff, split into chunks that any task worker may take."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class BulkIssueJob(models.Model):
    """A bulk issue of a course's or cohort's certificates and how far it got.

    The work runs in a task; the admin page polls this row for its progress bar.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", pgettext_lazy("bulk issue", "Running")
        FINISHED = "finished", _("Finished")
        FAILED = "failed", _("Failed")

    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    total = models.PositiveIntegerField(_("learners"), default=0)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    skipped = models.PositiveIntegerField(_("already had one"), default=0)
    revoked = models.PositiveIntegerField(_("revoked, not re-issued"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    errors = models.TextField(_("errors"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bulk issue")
        verbose_name_plural = _("bulk issues")

    def __str__(self) -> str:
        return f"{self.course} {self.cohort or ''}".strip()

    @property
    def done(self) -> int:
        return self.issued + self.skipped + self.revoked + self.failed

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 100


class BulkIssueChunk(models.Model):
    """A slice of a bulk issue's learners, issued by one background task.

    Workers may die (a SIGKILLed RQ job is not retried), so every chunk records
    when it last showed signs of life: ``manage.py issue_certificates --resume``
    enqueues again the chunks whose worker has gone. A chunk adds its counts to
    the job once, when it is marked done.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", pgettext_lazy("bulk issue", "Running")
        DONE = "done", pgettext_lazy("bulk issue", "Done")
        FAILED = "failed", _("Failed")

    job = models.ForeignKey(
        BulkIssueJob,
        verbose_name=_("bulk issue"),
        on_delete=models.CASCADE,
        related_name="chunks",
    )
    number = models.PositiveIntegerField(_("number"))
    enrolment_ids = models.JSONField(
        pgettext_lazy("bulk issue", "enrolments"), default=list
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    touched_at = models.DateTimeField(_("last sign of life"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    issued = models.PositiveIntegerField(_("issued"), default=0)
    skipped = models.PositiveIntegerField(_("already had one"), default=0)
    revoked = models.PositiveIntegerField(_("revoked, not re-issued"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    errors = models.TextField(_("errors"), blank=True)

    class Meta:
        ordering = ["job", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "number"], name="one_chunk_number_per_bulk_issue"
            )
        ]
        verbose_name = _("bulk issue chunk")
        verbose_name_plural = _("bulk issue chunks")

    def __str__(self) -> str:
        return f"{self.job} #{self.number}"
