"""Publishing refuses a course that learners could never finish, with a message
that says what to fix; saving a draft always works. Posted as the Wagtail editor
posts, the way Wagtail's own tests drive it."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from wagtail.models import Page
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    rich_text,
    streamfield,
)

from courses.competences.frameworks import load_frameworks
from courses.models import (
    Competence,
    FrameworkLevel,
    LessonPage,
    ModuleCompetence,
    ModulePage,
    Quiz,
)
from tests.activities.stored import make_activity
from tests.courses.assessment_factories import make_quiz, quiz_form_data
from tests.factories import (
    in_english_admin,
    make_course,
    make_lesson,
    make_module,
    make_user,
)

pytestmark = pytest.mark.django_db

PUBLISH = {"action-publish": "action-publish"}
SUBMIT = {"action-submit": "action-submit"}


@pytest.fixture
def editor(client):
    client.force_login(in_english_admin(make_user(is_superuser=True)))
    return client


def edit_url(page: Page) -> str:
    return f"/admin/pages/{page.pk}/edit/"


def lesson_data(lesson: LessonPage, **fields) -> dict:
    quiz = fields.pop("quiz", None)
    data = {
        "title": lesson.title,
        "slug": lesson.slug,
        "body": streamfield([]),
        "estimated_minutes": "30",
        "completion_rule": lesson.completion_rule,
        "quiz": str(quiz.pk) if quiz else "",
        "comments": inline_formset([]),
    }
    if fields.pop("optional", lesson.optional):
        data["optional"] = "on"
    data.update(fields)
    return nested_form_data(data)


def module_data(module: ModulePage, competences=(), **fields) -> dict:
    rows = [
        {"competence": str(c.pk), "target_level": str(level.pk) if level else ""}
        for c, level in competences
    ]
    return nested_form_data(
        {
            "title": module.title,
            "slug": module.slug,
            "intro": rich_text(""),
            "hours": "12",
            "module_competences": inline_formset(rows),
            "comments": inline_formset([]),
            **fields,
        }
    )


def shown(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# A lesson done by a linked activity ---------------------------------------------


def test_activity_lesson_without_quiz_is_not_published(editor):
    """Publishing a lesson done by a linked activity but with neither a quiz nor
    an e-learning activity is refused on the quiz field, and the published lesson
    stays as it was."""
    lesson = make_lesson(make_module(make_course()), title="Inquiry")
    response = editor.post(
        edit_url(lesson), lesson_data(lesson, completion_rule="activity", **PUBLISH)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "neither a quiz nor an e-learning activity is linked, so no learner could "
        "ever complete it"
    ) in html
    assert shown(response)[0].startswith("The page could not be saved")
    lesson.refresh_from_db()
    assert lesson.completion_rule == "mark"
    assert lesson.live_revision.as_object().completion_rule == "mark"


def test_activity_lesson_without_quiz_can_be_saved_as_draft(editor):
    """A draft of the same lesson is saved: the author may link the quiz later."""
    lesson = make_lesson(make_module(make_course()))
    response = editor.post(
        edit_url(lesson), lesson_data(lesson, completion_rule="activity")
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.get_latest_revision().as_object().completion_rule == "activity"
    assert lesson.has_unpublished_changes


def test_activity_lesson_is_not_submitted_for_moderation_either(editor):
    """Submitting the broken lesson for moderation is refused like publishing."""
    lesson = make_lesson(make_module(make_course()))
    response = editor.post(
        edit_url(lesson), lesson_data(lesson, completion_rule="activity", **SUBMIT)
    )
    assert response.status_code == 200
    assert (
        "neither a quiz nor an e-learning activity is linked"
        in response.content.decode()
    )
    assert lesson.workflow_states.count() == 0


def test_activity_lesson_with_an_unpublished_quiz_is_refused(editor):
    """A quiz that learners cannot take cannot complete the lesson either."""
    quiz = make_quiz(title="Draft test", live=False)
    lesson = make_lesson(make_module(make_course()))
    response = editor.post(
        edit_url(lesson),
        lesson_data(lesson, completion_rule="activity", quiz=quiz, **PUBLISH),
    )
    assert response.status_code == 200
    assert "The quiz “Draft test” is not published" in response.content.decode()


def test_activity_lesson_with_a_published_quiz_is_published(editor):
    """With a published quiz linked, the lesson publishes."""
    quiz = make_quiz()
    lesson = make_lesson(make_module(make_course()))
    response = editor.post(
        edit_url(lesson),
        lesson_data(lesson, completion_rule="activity", quiz=quiz, **PUBLISH),
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.completion_rule, lesson.quiz_id) == ("activity", quiz.pk)


def test_activity_lesson_with_an_e_learning_activity_is_published(editor):
    """An e-learning activity (SCORM or H5P) completes the lesson as a quiz does."""
    activity = make_activity()
    lesson = make_lesson(make_module(make_course()))
    response = editor.post(
        edit_url(lesson),
        lesson_data(
            lesson, completion_rule="activity", activity=str(activity.pk), **PUBLISH
        ),
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.completion_rule, lesson.activity_id) == ("activity", activity.pk)


# A module with no required lesson --------------------------------------------------


def test_module_whose_lessons_are_all_optional_is_not_published(editor):
    """A module whose published lessons are all optional would be done without any
    work: publishing it is refused with the reason in the message."""
    module = make_module(make_course(), title="Extras")
    make_lesson(module, optional=True)
    response = editor.post(edit_url(module), module_data(module, **PUBLISH))
    assert response.status_code == 200
    messages = " ".join(shown(response))
    assert "Every published lesson of this module is optional" in messages
    assert "untick “optional”" in messages


def test_module_without_lessons_is_published_with_a_warning(editor):
    """Authors publish a module before its lessons: it publishes, and they are told
    that learners cannot complete it yet."""
    course = make_course()
    module = ModulePage(title="Modelling", slug="modelling", hours=6, live=False)
    course.add_child(instance=module)
    response = editor.post(edit_url(module), module_data(module, **PUBLISH))
    assert response.status_code == 302
    module.refresh_from_db()
    assert module.live
    assert any(
        "these modules have no published required lesson: “Modelling”" in message
        for message in shown(response)
    )


def test_module_with_a_required_lesson_publishes_without_warning(editor):
    """A module with a required lesson publishes and nothing is said about it."""
    module = make_module(make_course())
    make_lesson(module)
    make_lesson(module, optional=True)
    response = editor.post(edit_url(module), module_data(module, **PUBLISH))
    assert response.status_code == 302
    assert not any("no published required lesson" in m for m in shown(response))


def test_course_publish_names_its_modules_learners_cannot_complete(editor):
    """Publishing a course warns about each of its modules without a required
    lesson."""
    course = make_course(title="Physics")
    make_lesson(make_module(course, title="Ready"))
    make_module(course, title="Waiting")
    response = editor.post(
        edit_url(course),
        nested_form_data(
            {
                "title": course.title,
                "slug": course.slug,
                "summary": rich_text("<p>Summary</p>"),
                "programme_type": "A",
                "language_of_instruction": "lv",
                "provider_name": course.provider_name,
                "self_enrolment": "on",
                "comments": inline_formset([]),
                **PUBLISH,
            }
        ),
    )
    assert response.status_code == 302
    warning = next(m for m in shown(response) if "no published required" in m)
    assert "“Waiting”" in warning
    assert "“Ready”" not in warning


def test_first_lesson_of_a_published_module_may_not_be_optional(editor):
    """The first lesson published into a published module cannot be optional; a
    draft of it can be saved."""
    module = make_module(make_course(), title="Data")
    lesson = LessonPage(title="Extra reading", slug="extra", optional=True, live=False)
    module.add_child(instance=lesson)
    response = editor.post(edit_url(lesson), lesson_data(lesson, **PUBLISH))
    assert response.status_code == 200
    assert "has no other published lesson that is required" in response.content.decode()
    lesson.refresh_from_db()
    assert not lesson.live
    draft = editor.post(edit_url(lesson), lesson_data(lesson))
    assert draft.status_code == 302


def test_the_only_required_lesson_cannot_be_made_optional(editor):
    """Ticking "optional" on a module's only required lesson is refused at publish."""
    module = make_module(make_course())
    lesson = make_lesson(module)
    make_lesson(module, optional=True)
    response = editor.post(
        edit_url(lesson), lesson_data(lesson, optional=True, **PUBLISH)
    )
    assert response.status_code == 200
    lesson.refresh_from_db()
    assert lesson.optional is False


# A quiz with no correct answer ------------------------------------------------------


def test_quiz_without_a_correct_answer_is_not_published(editor):
    """Publishing a quiz whose question has no correct option is refused with what to
    mark, and no quiz is created."""
    response = editor.post(
        "/admin/snippets/courses/quiz/add/", quiz_form_data(correct=False, **PUBLISH)
    )
    assert response.status_code == 200
    assert "Mark exactly one option as correct." in response.content.decode()
    assert not Quiz.objects.filter(title="Backward design").exists()


def test_quiz_without_a_correct_answer_can_be_saved_as_draft(editor):
    """The draft is kept (not live), so the author can finish it later."""
    response = editor.post(
        "/admin/snippets/courses/quiz/add/", quiz_form_data(correct=False)
    )
    assert response.status_code == 302
    quiz = Quiz.objects.get(title="Backward design")
    assert quiz.live is False


def test_quiz_with_a_correct_answer_is_published(editor):
    """With the correct option marked, the quiz is published."""
    response = editor.post(
        "/admin/snippets/courses/quiz/add/", quiz_form_data(correct=True, **PUBLISH)
    )
    assert response.status_code == 302
    assert Quiz.objects.get(title="Backward design").live is True


# A competence level outside its framework -------------------------------------------


def test_level_of_another_framework_is_refused(editor):
    """An EntreComp level for a DigCompEdu competence is refused on the level field
    and no competence row is stored."""
    load_frameworks()
    module = make_module(make_course())
    make_lesson(module)
    competence = Competence.objects.get(framework__code="DigCompEdu", code="3.1")
    entrecomp = FrameworkLevel.objects.filter(framework__code="EntreComp").first()
    response = editor.post(
        edit_url(module),
        module_data(module, competences=[(competence, entrecomp)], **PUBLISH),
    )
    assert response.status_code == 200
    assert "Choose a level of the competence&#x27;s own framework (DigCompEdu)" in (
        response.content.decode()
    )
    assert not ModuleCompetence.objects.filter(module=module).exists()


def test_level_of_the_competence_framework_is_published(editor):
    """A DigCompEdu level for a DigCompEdu competence is stored."""
    load_frameworks()
    module = make_module(make_course())
    make_lesson(module)
    competence = Competence.objects.get(framework__code="DigCompEdu", code="3.1")
    level = FrameworkLevel.objects.get(framework__code="DigCompEdu", code="B1")
    response = editor.post(
        edit_url(module),
        module_data(module, competences=[(competence, level)], **PUBLISH),
    )
    assert response.status_code == 302
    assert ModuleCompetence.objects.get(module=module).target_level == level


def test_level_chooser_knows_each_levels_framework(editor):
    """The editor's level select marks each level with its framework and maps each
    competence to its framework, for the script that filters the levels."""
    load_frameworks()
    module = make_module(make_course())
    competence = Competence.objects.get(framework__code="DigCompEdu", code="3.1")
    level = FrameworkLevel.objects.get(framework__code="DigCompEdu", code="B1")
    ModuleCompetence.objects.create(module=module, competence=competence)
    html = editor.get(edit_url(module)).content.decode()
    assert "courses/js/level-chooser.js" in html
    assert f'value="{level.pk}" data-framework="{level.framework_id}"' in html
    assert f"&quot;{competence.pk}&quot;: &quot;{competence.framework_id}&quot;" in html
