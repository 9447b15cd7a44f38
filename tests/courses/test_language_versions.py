"""What is shown of a course's other language versions: the admin's chooser in
the admin's language, module titles in the language being read, and the quiz's
live version when its translation is a draft."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from courses.competences.frameworks import load_frameworks
from courses.enrolment.enrolling import enrol
from courses.models import (
    Competence,
    LessonPage,
    ModuleCompetence,
    ModulePage,
    Quiz,
    QuizAttempt,
)
from courses.progress.recording import record_lesson_completed
from tests.courses.assessment_factories import make_quiz
from tests.courses.test_translation_drift import translate
from tests.factories import (
    make_catalogue,
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


@pytest.fixture
def quiz_in_two_languages():
    """A Latvian lesson with a live Latvian quiz, and the quiz's English version
    saved as a draft only."""
    latvian = make_quiz(title="Pārbaudes tests")
    english = latvian.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0]
    )
    english.title = "Check your understanding"
    english.live = False
    english.save()
    # The lesson is read in English; its quiz was written in Latvian.
    course = make_course(make_catalogue(title="Courses", locale=english.locale))
    lesson = make_lesson(
        make_module(course),
        quiz=latvian,
        completion_rule=LessonPage.CompletionRule.ACTIVITY,
    )
    learner = make_user()
    enrol(learner, course)
    return lesson, latvian, english, learner


def test_a_draft_translation_of_a_quiz_is_not_offered(client, quiz_in_two_languages):
    """Reading in English while the English quiz is a draft, the learner is offered
    the live Latvian quiz, and Start starts that one."""
    lesson, latvian, _english, learner = quiz_in_two_languages
    client.force_login(learner)
    with translation.override("en"):
        start = reverse("courses:quiz_start", args=[lesson.pk])
    assert lesson.url.startswith("/en/")
    html = client.get(lesson.url).content.decode()
    assert "Pārbaudes tests" in html and "Check your understanding" not in html
    assert f'action="{start}"' in html
    response = client.post(start, follow=True)
    assert "This quiz is not available" not in response.content.decode()
    assert QuizAttempt.objects.get().quiz == latvian


def test_a_quiz_with_no_live_version_offers_nothing(client, quiz_in_two_languages):
    """When no version of the quiz is live, the lesson offers no Start button and
    a forged start is refused and records nothing."""
    lesson, latvian, _english, learner = quiz_in_two_languages
    Quiz.objects.filter(pk=latvian.pk).update(live=False)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    with translation.override("en"):
        start = reverse("courses:quiz_start", args=[lesson.pk])
    assert start not in html
    response = client.post(start, follow=True)
    assert "This quiz is not available." in response.content.decode()
    assert not QuizAttempt.objects.exists()
