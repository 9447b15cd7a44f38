"""Quizzes in the admin (snippets with drafts, revisions and translations)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from courses.admin_base import ContentSnippetViewSet
from courses.models import (
    Quiz,
)


class QuizViewSet(ContentSnippetViewSet):
    model = Quiz
    icon = "help"
    menu_label = _("Quizzes")
    list_display = ["title", "pass_mark", "max_attempts", "time_limit_minutes"]
    search_fields = ["title"]
    search_backend_name = None
