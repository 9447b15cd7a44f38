"""Quizzes in the admin (snippets with drafts, revisions and translations), and
the lesson's quiz chooser, where an author may also write a new quiz."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import Locale
from wagtail.snippets.views import chooser

from courses.admin_base import (
    ContentChooserViewSet,
    ContentSnippetViewSet,
)
from courses.models import (
    Quiz,
)

if TYPE_CHECKING:
    from django.forms import ModelForm


class QuizCreationFormMixin:
    """The chooser's "Create" tab holds the form of the quiz's own add screen
    (its fields and checks), for a quiz in the language of the lesson being
    edited: Wagtail's chooser asks with ``?locale=`` the page's language."""

    def get_creation_form_class(self) -> type[ModelForm]:
        return self.model_class.snippet_viewset.get_edit_handler().get_form_class()

    @cached_property
    def locale(self) -> Locale:
        code = self.request.GET.get("locale", "")
        return Locale.objects.filter(language_code=code).first() or Locale.get_default()

    def get_creation_form_kwargs(self) -> dict:
        return {
            **super().get_creation_form_kwargs(),
            "instance": self.model_class(locale=self.locale),
            "for_user": self.request.user,
            # The modal opens over the lesson's own form: its fields need ids
            # of their own ("id_title" is the lesson's title).
            "prefix": "quiz-chooser-create",
        }


class QuizChooseView(QuizCreationFormMixin, chooser.ChooseView):
    pass


class QuizChooserCreateView(QuizCreationFormMixin, chooser.SnippetCreateView):
    """Saves the new quiz as the add screen does: a draft with its first
    revision, which is published at once when the author may publish quizzes,
    so the lesson can be published with it."""

    def save_form(self, form: ModelForm) -> Quiz:
        user = self.request.user
        with transaction.atomic():
            quiz = form.save(commit=False)
            quiz.live = False
            quiz.save()
            form.save_m2m()
            revision = quiz.save_revision(user=user)
            log(
                instance=quiz,
                action="wagtail.create",
                user=user,
                revision=revision,
                content_changed=True,
            )
            if self.get_permission_policy().user_has_permission(user, "publish"):
                revision.publish(user=user)
        return quiz


class QuizChooserViewSet(ContentChooserViewSet):
    choose_view_class = QuizChooseView
    create_view_class = QuizChooserCreateView
    # The lesson's language, kept on the creation form's address.
    preserve_url_parameters = ["multiple", "locale"]


class QuizViewSet(ContentSnippetViewSet):
    model = Quiz
    icon = "help"
    menu_label = _("Quizzes")
    list_display = ["title", "pass_mark", "max_attempts", "time_limit_minutes"]
    search_fields = ["title"]
    search_backend_name = None
    chooser_viewset_class = QuizChooserViewSet
    chooser_texts = (_("Choose a quiz"), _("Choose another quiz"), _("Edit this quiz"))
