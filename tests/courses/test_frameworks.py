import pytest
from django.utils import translation

from courses.competences.frameworks import load_frameworks
from courses.models import Competence, CompetenceArea, Framework, FrameworkLevel

pytestmark = pytest.mark.django_db


def test_shipped_frameworks_load_43_competences():
    """DigCompEdu (22), EntreComp (15) and Skola2030 (6) make 43 competences."""
    assert load_frameworks() == 43
    assert Competence.objects.count() == 43
    counts = {f.code: f.competences.count() for f in Framework.objects.all()}
    assert counts == {"DigCompEdu": 22, "EntreComp": 15, "Skola2030": 6}
    assert CompetenceArea.objects.filter(framework__code="DigCompEdu").count() == 6
    assert list(
        FrameworkLevel.objects.filter(framework__code="DigCompEdu").values_list(
            "code", flat=True
        )
    ) == ["A1", "A2", "B1", "B2", "C1", "C2"]


def test_competence_names_in_both_languages():
    """Names are the frameworks' published English names, with Latvian alongside."""
    load_frameworks()
    digital = Competence.objects.get(framework__code="Skola2030", code="T6")
    assert digital.name == "Digital literacy"
    assert digital.name_lv == "Digitālā pratība"
    feedback = Competence.objects.get(framework__code="DigCompEdu", code="4.3")
    assert feedback.name == "Feedback and planning"
    with translation.override("lv"):
        assert digital.display_name == "Digitālā pratība"
    with translation.override("en"):
        assert digital.display_name == "Digital literacy"
    assert not Competence.objects.filter(name_lv="").exists()


def test_loading_twice_changes_nothing():
    """Loading the frameworks again neither duplicates nor renumbers competences."""
    load_frameworks()
    ids = set(Competence.objects.values_list("pk", flat=True))
    load_frameworks()
    assert set(Competence.objects.values_list("pk", flat=True)) == ids
