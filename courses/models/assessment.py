"""Assessment: quizzes with their attempts, and practical assignments with their
submissions and the competence levels a reviewer assesses.

Quizzes and assignments are authored content (snippets, translated like pages and
sharing a ``translation_key``); attempts and submissions are learner records keyed
by that translation key, so the Latvian and English versions share them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.forms.utils import ErrorList
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PageChooserPanel
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.fields import RichTextField, StreamField
from wagtail.models import DraftStateMixin, RevisionMixin, TranslatableMixin
from wagtail.search import index

from courses.models.blocks import RICH_TEXT_FEATURES
from courses.models.competences import (
    Competence,
    FrameworkLevel,
    check_level_matches,
)
from courses.models.pages import LessonPage, ModulePage

# Quiz questions -------------------------------------------------------------


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("answer option"))
    correct = blocks.BooleanBlock(label=_("correct"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Option")


class QuestionBlock(blocks.StructBlock):
    """What every question has; the subclasses add the answer key."""

    text = blocks.TextBlock(label=_("question"))
    points = blocks.IntegerBlock(label=_("points"), min_value=1, default=1)
    feedback = blocks.TextBlock(
        label=_("feedback"),
        required=False,
        help_text=_("Shown to the learner after the attempt is submitted."),
    )


class SingleChoiceBlock(QuestionBlock):
    options = blocks.ListBlock(OptionBlock(), label=_("options"), min_num=2)

    class Meta:
        icon = "radio-full"
        label = _("Single choice")

    def clean(self, value):
        value = super().clean(value)
        if sum(1 for option in value["options"] if option["correct"]) != 1:
            raise StructBlockValidationError(
                non_block_errors=ErrorList([_("Mark exactly one option as correct.")])
            )
        return value


class MultipleChoiceBlock(QuestionBlock):
    options = blocks.ListBlock(OptionBlock(), label=_("options"), min_num=2)

    class Meta:
        icon = "tick-inverse"
        label = _("Multiple choice")

    def clean(self, value):
        value = super().clean(value)
        if not any(option["correct"] for option in value["options"]):
            raise StructBlockValidationError(
                non_block_errors=ErrorList([_("Mark at least one option as correct.")])
            )
        return value


class TrueFalseBlock(QuestionBlock):
    answer = blocks.BooleanBlock(label=_("the statement is true"), required=False)

    class Meta:
        icon = "tick"
        label = _("True or false")


class NumericBlock(QuestionBlock):
    answer = blocks.DecimalBlock(label=_("answer"), decimal_places=6)
    tolerance = blocks.DecimalBlock(
        label=_("tolerance"),
        min_value=0,
        decimal_places=6,
        default=Decimal(0),
        help_text=_("Answers this far from the answer, either way, count as correct."),
    )

    class Meta:
        icon = "order"
        label = _("Number")


class ShortTextBlock(QuestionBlock):
    answers = blocks.ListBlock(
        blocks.CharBlock(label=_("accepted answer")),
        label=_("accepted answers"),
        min_num=1,
    )
    match = blocks.ChoiceBlock(
        label=_("matching"),
        choices=[
            ("normalised", _("Ignore case and extra spaces")),
            ("exact", _("Exactly as written")),
        ],
        default="normalised",
    )

    class Meta:
        icon = "pilcrow"
        label = _("Short text")


class QuestionsBlock(blocks.StreamBlock):
    single = SingleChoiceBlock()
    multiple = MultipleChoiceBlock()
    true_false = TrueFalseBlock()
    numeric = NumericBlock()
    short_text = ShortTextBlock()


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool


@dataclass(frozen=True)
class Question:
    """A question as plain data, the form grading and rendering work on.

    ``id`` is the StreamField block id, which Wagtail keeps when it copies a quiz
    for translation, so an attempt's answers fit every translation of its quiz.
    """

    id: str
    type: str
    text: str
    points: int
    feedback: str = ""
    options: tuple[Option, ...] = ()
    answer: bool | Decimal | None = None
    tolerance: Decimal = Decimal(0)
    answers: tuple[str, ...] = ()
    match: str = "normalised"

    @property
    def option_ids(self) -> set[str]:
        return {option.id for option in self.options}


# Quizzes ---------------------------------------------------------------------


class Quiz(
    TranslatableMixin, DraftStateMixin, RevisionMixin, index.Indexed, models.Model
):
    """A quiz staff author in the admin and link from a lesson."""

    title = models.CharField(_("title"), max_length=255)
    intro = models.TextField(_("introduction"), blank=True)
    questions = StreamField(QuestionsBlock(), verbose_name=_("questions"))
    pass_mark = models.PositiveSmallIntegerField(
        _("pass mark (%)"),
        default=60,
        validators=[MaxValueValidator(100)],
        help_text=_("The share of the points a learner needs to pass."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"),
        null=True,
        blank=True,
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_("Empty means no limit."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty means no limit."),
    )
    shuffle = models.BooleanField(
        _("shuffle"),
        default=False,
        help_text=_("Show questions and options in a different order in each attempt."),
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("intro"),
        FieldPanel("questions"),
        MultiFieldPanel(
            [
                FieldPanel("pass_mark"),
                FieldPanel("max_attempts"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("shuffle"),
            ],
            heading=_("Rules"),
        ),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["title"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self) -> str:
        return self.title

    def get_questions(self) -> list[Question]:
        """The questions with their answer keys; never hand these to a template
        or the API before the attempt is submitted."""
        questions = []
        for child in self.questions:
            value = child.value
            common = {
                "id": child.id,
                "type": child.block_type,
                "text": value["text"],
                "points": value["points"] or 1,
                "feedback": value.get("feedback") or "",
            }
            if child.block_type in ("single", "multiple"):
                common["options"] = tuple(
                    Option(
                        id=item.id,
                        text=item.value["text"],
                        correct=bool(item.value["correct"]),
                    )
                    for item in value["options"].bound_blocks
                )
            elif child.block_type == "true_false":
                common["answer"] = bool(value["answer"])
            elif child.block_type == "numeric":
                common["answer"] = Decimal(value["answer"])
                common["tolerance"] = Decimal(value["tolerance"] or 0)
            elif child.block_type == "short_text":
                common["answers"] = tuple(value["answers"])
                common["match"] = value["match"]
            questions.append(Question(**common))
        return questions

    @property
    def time_limit(self) -> timedelta | None:
        if not self.time_limit_minutes:
            return None
        return timedelta(minutes=self.time_limit_minutes)


class QuizAttempt(models.Model):
    """One try at a quiz. Kept after grading, whatever the outcome."""

    enrolment = models.ForeignKey(
        "courses.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="quiz_attempts",
    )
    quiz_key = models.UUIDField(_("quiz translation key"), db_index=True)
    quiz = models.ForeignKey(
        Quiz,
        verbose_name=_("quiz"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text=_("The translation the attempt was started in."),
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    question_order = models.JSONField(_("order of questions"), default=list)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    results = models.JSONField(_("results per question"), default=list, blank=True)
    score = models.PositiveIntegerField(_("score"), null=True, blank=True)
    max_score = models.PositiveIntegerField(_("maximum score"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(_("percent"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["enrolment", "quiz_key"])]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")

    def __str__(self) -> str:
        return f"{self.enrolment} — {self.quiz or self.quiz_key}"

    @property
    def deadline(self) -> timezone.datetime | None:
        """When the time limit runs out, as shown to the learner (without grace)."""
        limit = self.quiz.time_limit if self.quiz else None
        return self.started_at + limit if limit else None


# Assignments -----------------------------------------------------------------


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

    panels = [
        FieldPanel("title"),
        PageChooserPanel("page", ["courses.ModulePage", "courses.LessonPage"]),
        FieldPanel("instructions"),
        FieldPanel("competences"),
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

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["enrolment", "assignment_key"])]
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
