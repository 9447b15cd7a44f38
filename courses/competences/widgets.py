"""The level chooser of a module's competence rows: only the levels of the
framework the chosen competence belongs to are offered."""

from __future__ import annotations

import json

from django import forms

from courses.competences.models import Competence


class LevelSelect(forms.Select):
    """A level select whose options carry their framework, and which knows each
    competence's framework, so that ``level-chooser.js`` can offer only the levels
    of the competence chosen in the same row. The server still refuses a level of
    another framework (``check_level_matches``)."""

    def create_option(self, name, value, label, selected, index, **kwargs) -> dict:
        option = super().create_option(name, value, label, selected, index, **kwargs)
        level = getattr(value, "instance", None)
        if level is not None:
            option["attrs"]["data-framework"] = str(level.framework_id)
        return option

    def get_context(self, name, value, attrs) -> dict:
        context = super().get_context(name, value, attrs)
        frameworks = {
            str(pk): str(framework)
            for pk, framework in Competence.objects.values_list("pk", "framework_id")
        }
        context["widget"]["attrs"]["data-competence-frameworks"] = json.dumps(
            frameworks
        )
        return context

    class Media:
        js = ["courses/js/level-chooser.js"]
