"""The competence frameworks in the admin: snippets staff browse and extend."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSetGroup

from courses.admin_base import ContentSnippetViewSet
from courses.models import (
    Competence,
    CompetenceArea,
    Framework,
)


class FrameworkViewSet(ContentSnippetViewSet):
    model = Framework
    icon = "list-ul"
    menu_label = _("Frameworks")
    list_display = ["code", "name", "name_lv"]
    search_fields = ["code", "name", "name_lv"]
    search_backend_name = None


class CompetenceAreaViewSet(ContentSnippetViewSet):
    model = CompetenceArea
    icon = "folder-open-inverse"
    menu_label = _("Areas")
    list_display = ["framework", "code", "name", "name_lv"]
    list_filter = ["framework"]
    search_fields = ["code", "name", "name_lv"]
    search_backend_name = None


class CompetenceViewSet(ContentSnippetViewSet):
    chooser_texts = (
        _("Choose a competence"),
        _("Choose another competence"),
        _("Edit this competence"),
    )
    model = Competence
    icon = "pick"
    menu_label = _("Competences")
    list_display = ["code", "name", "name_lv", "framework", "area"]
    list_filter = ["framework", "area"]
    search_fields = ["code", "name", "name_lv"]
    search_backend_name = None
    list_per_page = 50


class CompetenceViewSetGroup(SnippetViewSetGroup):
    items = (CompetenceViewSet, FrameworkViewSet, CompetenceAreaViewSet)
    menu_icon = "pick"
    menu_label = _("Competences")
    menu_name = "competences"
