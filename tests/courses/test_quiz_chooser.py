"""The lesson's quiz chooser: an author who may add quizzes writes a new one in
its "Create" tab, with the checks of the quiz's own add screen; others only
choose."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from wagtail.models import Locale, ModelLogEntry

from courses.models import Quiz
from courses.roles import ensure_course_authors_group
from tests.courses.assessment_factories import make_quiz, quiz_form_data
from tests.factories import grant, in_english_admin, make_course, make_user

pytestmark = pytest.mark.django_db

CHOOSE = "wagtailsnippetchoosers_courses_quiz:choose"
CREATE = "wagtailsnippetchoosers_courses_quiz:create"
#: The creation form's fields are named apart from the lesson form's below it.
PREFIX = "quiz-chooser-create"


@pytest.fixture
def english_locale() -> Locale:
    return Locale.objects.get_or_create(language_code="en")[0]


@pytest.fixture
def author(client):
    user = in_english_admin(make_user(username="author"))
    user.groups.add(ensure_course_authors_group())
    client.force_login(user)
    return user


def modal(response) -> dict:
    """The chooser's modal-workflow answer: its step, its HTML and its result."""
    assert response.status_code == 200
    return json.loads(response.content)


def test_an_author_is_offered_a_creation_form(client, author, english_locale):
    """The chooser opened from an English lesson has a "Create" tab with the
    quiz editor's fields, posting back in the lesson's language."""
    make_quiz(title="Inquiry levels", locale=english_locale)
    html = modal(client.get(reverse(CHOOSE), {"locale": "en"}))["html"]
    assert 'id="tab-label-create"' in html
    assert "Inquiry levels" in html
    assert f'action="{reverse(CREATE)}?locale=en"' in html
    for field in ("title", "pass_mark", "max_attempts"):
        assert f'name="{PREFIX}-{field}"' in html, field
    assert f'id="{PREFIX}-questions"' in html


def test_a_page_editor_without_quiz_rights_only_chooses(client, english_locale):
    """Someone who edits pages but may not add quizzes sees the list alone, and
    cannot post a quiz to the chooser."""
    editor = in_english_admin(make_user(username="editor"))
    grant(editor, "wagtailadmin.access_admin", "courses.change_quiz")
    client.force_login(editor)
    make_quiz(title="Inquiry levels", locale=english_locale)
    html = modal(client.get(reverse(CHOOSE), {"locale": "en"}))["html"]
    assert "Inquiry levels" in html
    assert "tab-label-create" not in html
    response = client.post(f"{reverse(CREATE)}?locale=en", quiz_form_data(True, PREFIX))
    # Wagtail's admin sends a user without the permission to its home page.
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not Quiz.objects.filter(title="Backward design").exists()


def test_an_author_creates_a_published_quiz_in_the_lessons_language(
    client, author, english_locale
):
    """The new quiz is chosen at once, published with a first revision by its
    author, in the language the chooser was opened for."""
    make_course()  # Wagtail's default locale is Latvian; the lesson is not.
    response = client.post(f"{reverse(CREATE)}?locale=en", quiz_form_data(True, PREFIX))
    data = modal(response)
    quiz = Quiz.objects.get(title="Backward design")
    assert data["step"] == "chosen"
    assert data["result"]["id"] == str(quiz.pk)
    assert data["result"]["string"] == "Backward design"
    assert quiz.live is True
    assert quiz.locale == english_locale
    assert quiz.latest_revision.user == author
    history = ModelLogEntry.objects.for_instance(quiz).order_by("timestamp", "pk")
    assert [(e.action, e.user) for e in history] == [
        ("wagtail.create", author),
        ("wagtail.publish", author),
    ]
    assert [q.text for q in quiz.get_questions()] == [
        "Where does backward design start?"
    ]


def test_a_quiz_without_a_correct_answer_is_refused_in_the_chooser(client, author):
    """The creation form checks what publishing checks: the tab comes back with
    what to mark, and no quiz is made."""
    data = modal(client.post(reverse(CREATE), quiz_form_data(False, PREFIX)))
    assert data["step"] == "reshow_creation_form"
    assert "Mark exactly one option as correct." in data["htmlFragment"]
    assert not Quiz.objects.exists()


def test_an_author_who_may_not_publish_quizzes_makes_a_draft(client):
    """Without the publish permission the new quiz is a draft for someone else
    to publish."""
    writer = in_english_admin(make_user(username="writer"))
    grant(writer, "wagtailadmin.access_admin", "courses.add_quiz")
    client.force_login(writer)
    data = modal(client.post(reverse(CREATE), quiz_form_data(True, PREFIX)))
    quiz = Quiz.objects.get(title="Backward design")
    assert data["result"]["id"] == str(quiz.pk)
    assert quiz.live is False
    assert quiz.locale == Locale.get_default()


def test_the_lessons_quiz_button_names_the_quiz_in_its_own_words(client):
    """The lesson editor's quiz button says "Izvēlēties testu" (the accusative),
    not Wagtail's "Choose %(object)s" with the nominative ("Izvēlēties tests")."""
    from django.utils import translation

    from courses.models import LessonPage
    from tests.factories import make_course_editor, make_course_tree

    course, [lesson] = make_course_tree(modules=1, lessons=1)
    editor = make_course_editor(course)
    client.force_login(editor)
    with translation.override("lv"):
        html = client.get(
            reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
            HTTP_ACCEPT_LANGUAGE="lv",
        ).content.decode()
    assert LessonPage.objects.filter(pk=lesson.pk).exists()
    assert "Izvēlēties testu" in html
    assert "Izvēlēties tests" not in html
    with translation.override("en"):
        widget = Quiz.snippet_viewset.chooser_viewset.widget_class()
        assert "Choose a quiz" in widget.render("quiz", None, attrs={"id": "id_quiz"})
