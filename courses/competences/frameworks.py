"""Loading competence frameworks from the JSON data shipped with the app."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from courses.models import Competence, CompetenceArea, Framework, FrameworkLevel

DEFAULT_DATA = Path(__file__).resolve().parent / "data" / "frameworks.json"


@transaction.atomic
def load_frameworks(path: Path = DEFAULT_DATA) -> int:
    """Create or update the frameworks in ``path``; returns the number of competences.

    Safe to run again: rows are matched by their codes, so nothing is duplicated and
    competences already linked to modules keep their identity.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    count = 0
    for item in data["frameworks"]:
        framework, _ = Framework.objects.update_or_create(
            code=item["code"],
            defaults={
                "name": item["name"],
                "name_lv": item.get("name_lv", ""),
                "source": item.get("source", ""),
            },
        )
        for order, level in enumerate(item.get("levels", [])):
            FrameworkLevel.objects.update_or_create(
                framework=framework,
                code=level["code"],
                defaults={
                    "name": level["name"],
                    "name_lv": level.get("name_lv", ""),
                    "sort_order": order,
                },
            )
        for area_item in item["areas"]:
            area, _ = CompetenceArea.objects.update_or_create(
                framework=framework,
                code=area_item["code"],
                defaults={
                    "name": area_item["name"],
                    "name_lv": area_item.get("name_lv", ""),
                },
            )
            for competence in area_item["competences"]:
                Competence.objects.update_or_create(
                    framework=framework,
                    code=competence["code"],
                    defaults={
                        "area": area,
                        "name": competence["name"],
                        "name_lv": competence.get("name_lv", ""),
                    },
                )
                count += 1
    return count
