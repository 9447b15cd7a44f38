"""Quizzes staff author in the admin (snippets, translated like pages) and the
attempts learners make, keyed by the quiz's ``translation_key`` so that the Latvian
and English versions share them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, RevisionMixin, TranslatableMixin
from wagtail.search import index

from courses.admin_forms import CompleteAdminForm
from courses.quizzes.blocks import Option, Question, QuestionsBlock


class Quiz(
    TranslatableMixin, DraftStateMixin, RevisionMixin, index.Indexed, models.Model
):
    """A quiz staff author in the admin and link from a lesson."""

    base_form_class = CompleteAdminForm

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
                "feedback_correct": value.get("feedback_correct") or "",
                "feedback_incorrect": value.get("feedback_incorrect") or "",
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
