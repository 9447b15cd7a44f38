"""Practical assignments staff author and link from a module or lesson, the
submissions learners make (keyed by the assignment's ``translation_key``), and the
competence levels a reviewer assesses in them."""

from __future__ import annotations

import secrets
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import TranslatableMixin
from wagtail.search import index

from courses.catalogue.blocks import RICH_TEXT_FEATURES
from courses.catalogue.models import LessonPage, ModulePage
from courses.competences.models import (
    Competence,
    FrameworkLevel,
    check_level_matches,
)


class Assignment(TranslatableMixin, index.Indexed, ClusterableModel):
    """A practical task a learner submits and staff review."""

    title = models.CharField(_("title"), max_length=255)
    instructions = RichTextField(_("instructions"), features=RICH_TEXT_FEATURES)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("module or lesson"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("Where learners find the assignment."),
    )
    competences = ParentalManyToManyField(
        Competence,
        verbose_name=_("competences assessed"),
        blank=True,
        related_name="+",
    )
    peer_feedback = models.BooleanField(
        _("peer feedback"),
        default=False,
        help_text=_(
            "Learners of the same cohort comment on each other's submissions. "
            "A member of the course team approves each comment before its "
            "recipient sees it."
        ),
    )
    peer_reviews_per_learner = models.PositiveSmallIntegerField(
        _("reviews each learner gives"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_(
            "How many colleagues' submissions each learner is offered to comment "
            "on, once they have submitted their own."
        ),
    )

    panels = [
        FieldPanel("title"),
        PageChooserPanel("page", ["courses.ModulePage", "courses.LessonPage"]),
        FieldPanel("instructions"),
        FieldPanel("competences"),
        MultiFieldPanel(
            [FieldPanel("peer_feedback"), FieldPanel("peer_reviews_per_learner")],
            heading=_("Peer feedback"),
        ),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["title"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        super().clean()
        if self.page_id is None:
            raise ValidationError({"page": _("Choose the module or lesson.")})
        if not issubclass(self.page.specific_class, (ModulePage, LessonPage)):
            raise ValidationError({"page": _("Choose a module or a lesson.")})


def assignment_storage():
    """The storage for submitted files: ``STORAGES["assignments"]`` when a site
    defines one (e.g. a private bucket), else the default storage."""
    if "assignments" in settings.STORAGES:
        return storages["assignments"]
    return default_storage


def submission_upload_to(instance: AssignmentSubmission, filename: str) -> str:
    # A random folder per file: files are served only through a view that checks
    # who asks, and the path must not be guessable should the storage be public.
    name = get_valid_filename(PurePath(filename).name)[-100:] or "file"
    return f"assignments/{secrets.token_urlsafe(24)}/{name}"


class AssignmentSubmission(models.Model):
    """One submission of an assignment; a resubmission is a new row."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned for revision")

    enrolment = models.ForeignKey(
        "courses.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="assignment_submissions",
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="submissions",
    )
    assignment_key = models.UUIDField(_("assignment translation key"), db_index=True)
    text = models.TextField(_("text"), blank=True)
    file = models.FileField(
        _("file"),
        storage=assignment_storage,
        upload_to=submission_upload_to,
        max_length=255,
        blank=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    feedback = models.TextField(_("feedback"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    # The file is deleted a while after the course ends (LMS_SUBMISSION_RETENTION_
    # DAYS); staff are told beforehand, and the submission says when it went.
    file_deletion_announced_at = models.DateTimeField(
        _("file deletion announced"), null=True, blank=True, editable=False
    )
    file_deleted_at = models.DateTimeField(
        _("file deleted"), null=True, blank=True, editable=False
    )

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["enrolment", "assignment_key"])]
        permissions = [
            ("review_submission", _("Can review every course's submissions")),
        ]
        verbose_name = _("assignment submission")
        verbose_name_plural = _("assignment submissions")

    def __str__(self) -> str:
        return f"{self.assignment or self.assignment_key} — {self.enrolment.user}"

    @property
    def filename(self) -> str:
        return PurePath(self.file.name).name if self.file else ""


class AssessedCompetence(models.Model):
    """A competence level a reviewer assessed in an accepted submission."""

    submission = models.ForeignKey(
        AssignmentSubmission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="assessed_competences",
    )
    competence = models.ForeignKey(
        Competence,
        verbose_name=_("competence"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    level = models.ForeignKey(
        FrameworkLevel,
        verbose_name=_("level"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "competence"],
                name="one_level_per_competence_and_submission",
            )
        ]
        verbose_name = _("assessed competence")
        verbose_name_plural = _("assessed competences")

    def __str__(self) -> str:
        return f"{self.competence.code} {self.level.code}"

    def clean(self) -> None:
        check_level_matches("competence", "level", self)


class PeerReview(models.Model):
    """A colleague's submission given to a learner to comment on, and the comment.

    The row is made when the submission is offered (so the offer stays the same
    across visits and the fewest-reviewed work is offered first); the comment is
    held until the course team approves it."""

    class Status(models.TextChoices):
        OFFERED = "offered", _("Not written yet")
        PENDING = "pending", _("Awaiting moderation")
        APPROVED = "approved", _("Approved")
        HIDDEN = "hidden", _("Hidden")

    reviewer = models.ForeignKey(
        "courses.Enrolment",
        verbose_name=_("reviewer"),
        on_delete=models.CASCADE,
        related_name="peer_reviews_given",
    )
    submission = models.ForeignKey(
        AssignmentSubmission,
        verbose_name=_("submission"),
        on_delete=models.CASCADE,
        related_name="peer_reviews",
    )
    assignment_key = models.UUIDField(_("assignment translation key"))
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    commented_at = models.DateTimeField(_("commented"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OFFERED
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["offered_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["reviewer", "submission"], name="one_peer_review_per_work"
            )
        ]
        indexes = [models.Index(fields=["assignment_key", "status"])]
        verbose_name = _("peer review")
        verbose_name_plural = _("peer reviews")

    def __str__(self) -> str:
        return f"{self.reviewer.user} → {self.submission}"
