"""The page editor's forms for modules and lessons: what publishing refuses.

Saving a draft or previewing always works, since a course is built a piece at a
time. Publishing and submitting for moderation run the full validation, and that is
where a page that would leave learners stuck is refused, with a message that says
what to fix. Wagtail marks a draft save by deferring required fields
(``is_deferred_validation``), so the rules below run only when it is off.

What is checked and when (docs/authoring.md):

- a lesson "done by a linked activity" needs a published quiz or an e-learning
  activity to be done by;
- a module's published lessons must not all be optional (it would count as done,
  and earn its hours, without any work); a module with no published lesson yet may
  be published, as authors publish a module before writing its lessons, and is
  told that learners cannot complete it until it has a required lesson
  (``courses.catalogue.publishing``);
- an optional lesson may not be the first lesson published in a published module,
  for the same reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from courses.admin_forms import CompletePageForm

if TYPE_CHECKING:
    from wagtail.models import Page


def _publishing(form: forms.Form) -> bool:
    """Whether the form is validated for publishing or moderation, not a draft."""
    return not getattr(form, "is_deferred_validation", False)


def has_required_lesson(module: Page, excluding: Page | None = None) -> bool:
    """Whether ``module`` has a published lesson that is not optional (other than
    ``excluding``)."""
    lessons = module.get_lessons().filter(optional=False)
    if excluding is not None and excluding.pk:
        lessons = lessons.exclude(pk=excluding.pk)
    return lessons.exists()


class LessonPageForm(CompletePageForm):
    def clean(self) -> dict:
        data = super().clean()
        if _publishing(self):
            self._check_completion_rule(data)
            self._check_module_keeps_a_required_lesson(data)
        return data

    def _check_completion_rule(self, data: dict) -> None:
        if data.get("completion_rule") != self._meta.model.CompletionRule.ACTIVITY:
            return
        quiz = data.get("quiz")
        if quiz is None and data.get("activity") is None:
            self.add_error(
                "quiz",
                _(
                    "This lesson is done by a linked activity, but neither a quiz nor "
                    "an e-learning activity is linked, so no learner could ever "
                    "complete it. Choose a quiz or an e-learning activity, or change "
                    "the completion to “The learner marks it as done”."
                ),
            )
        elif quiz is not None and not quiz.live:
            self.add_error(
                "quiz",
                _(
                    "The quiz “%(quiz)s” is not published, so learners cannot take "
                    "it and the lesson could never be done. Publish the quiz first."
                )
                % {"quiz": quiz.title},
            )

    def _check_module_keeps_a_required_lesson(self, data: dict) -> None:
        if not data.get("optional") or self.parent_page is None:
            return
        module = self.parent_page.specific
        if not module.live or has_required_lesson(module, excluding=self.instance):
            return
        self.add_error(
            "optional",
            _(
                "The module “%(module)s” has no other published lesson that is "
                "required, so learners would complete it without doing anything. "
                "Publish a required lesson of this module first, or untick "
                "“optional”."
            )
            % {"module": module.title},
        )


class ModulePageForm(CompletePageForm):
    def clean(self) -> dict:
        data = super().clean()
        module = self.instance
        if (
            _publishing(self)
            and module.pk
            and module.get_lessons().exists()
            and not has_required_lesson(module)
        ):
            raise forms.ValidationError(
                _(
                    "Every published lesson of this module is optional, so learners "
                    "would complete it, and earn its hours, without doing anything. "
                    "Make at least one of its lessons required (untick “optional”) "
                    "and publish it."
                ),
                code="no_required_lesson",
            )
        return data
