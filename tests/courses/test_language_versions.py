"""What is shown of a course's other language versions: the admin's chooser in
the admin's language, and module titles in the language being read."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from courses.competences.frameworks import load_frameworks
from courses.enrolment.enrolling import enrol
from courses.models import Competence, ModuleCompetence, ModulePage, Quiz
from courses.progress.recording import record_lesson_completed
from tests.courses.test_translation_drift import translate
from tests.factories import (
    make_course,
    make_lesson,
    make_module,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def module_with_competence():
    load_frameworks()
    course = make_course()
    module = make_module(course, title="Digitālie rīki")
    lesson = make_lesson(module)
    ModuleCompetence.objects.create(
        module=module,
        competence=Competence.objects.get(framework__code="DigCompEdu", code="2.1"),
    )
    return course, module, lesson


@pytest.mark.parametrize("model", [Competence, Quiz])
def test_the_chooser_speaks_the_admins_language(client, model):
    """Wagtail translates the chooser's title once, when it is imported: an
    English admin read "Izvēlēties competence". Each admin now reads their own
    language, whichever came first."""
    load_frameworks()
    editor = make_user(is_superuser=True, is_staff=True)
    client.force_login(editor)
    url = reverse(model.snippet_viewset.chooser_viewset.get_url_name("choose"))
    titles = {}
    for language in ("lv", "en", "lv"):
        profile = UserProfile.get_for_user(editor)
        profile.preferred_language = language
        profile.save()
        html = client.get(url).json()["html"]
        titles[language] = " ".join(
            re.sub(r"<[^>]+>", " ", re.search(r"<h1.*?</h1>", html, re.S)[0]).split()
        )
    with translation.override("en"):
        assert titles["en"] == f"Choose {model._meta.verbose_name}"
    with translation.override("lv"):
        assert titles["lv"] == f"Izvēlēties {model._meta.verbose_name}"


def test_my_competences_name_modules_in_the_language_being_read(
    client, module_with_competence
):
    """A learner enrolled through the Latvian course reading in English sees
    the English module's title."""
    course, module, lesson = module_with_competence
    translate(course)
    english_module = ModulePage.objects.get(
        translation_key=module.translation_key, locale__language_code="en"
    )
    learner = make_user()
    record_lesson_completed(enrol(learner, course), lesson)
    client.force_login(learner)
    english = client.get("/en/my/competences/").content.decode()
    assert english_module.title in english
    assert "Digitālie rīki<" not in english
    latvian = client.get("/lv/my/competences/").content.decode()
    assert "Digitālie rīki" in latvian
    assert english_module.title not in latvian
