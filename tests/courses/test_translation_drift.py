"""Authors see what differs between the language versions of a course: on the
course's edit page and when they publish."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.utils import translation
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale, Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from courses.catalogue.drift import course_drift
from courses.enrolment.enrolling import enrol
from courses.models import CoursePage, Enrolment, LessonPage, ModulePage
from courses.progress.recording import record_lesson_completed
from courses.reports.matrix import course_structure, module_matrix
from courses.reports.rows import report_rows
from courses.reports.summary import programme_summary
from tests.courses.assessment_factories import make_assignment, make_quiz
from tests.factories import (
    in_english_admin,
    make_course_tree,
    make_lesson,
    make_module,
    make_user,
)

pytestmark = pytest.mark.django_db


def translate(course: CoursePage, language: str = "en") -> CoursePage:
    """The English version of ``course`` and everything in it, published."""
    locale, _ = Locale.objects.get_or_create(language_code=language)
    copy = CopyPageForTranslationAction(
        course, locale, include_subtree=True, copy_parents=True
    ).execute(skip_permission_checks=True)
    for page in Page.objects.descendant_of(copy, inclusive=True).specific():
        page.title = f"{page.title} (EN)"
        page.save_revision().publish()
    return CoursePage.objects.get(pk=copy.pk)


@pytest.fixture
def two_versions():
    course, _lessons = make_course_tree(modules=2, lessons=1)
    return course, translate(course)


def texts(course: CoursePage) -> list[str]:
    return [difference.text for difference in course_drift(course)]


def test_versions_that_agree_show_nothing(two_versions):
    latvian, english = two_versions
    assert texts(latvian) == []
    assert texts(english) == []


def test_a_module_in_one_language_only_is_named_with_the_hours(two_versions):
    """The issue's case: a module added only in Latvian made the Latvian course
    32 h while the English stayed 24 h."""
    latvian, english = two_versions
    make_lesson(make_module(latvian, title="Papildu modulis", hours=Decimal(8)))
    [module, lesson, hours] = texts(latvian)
    assert module == "Module “Papildu modulis” (lv) is missing in: en."
    assert lesson.startswith("Lesson “Nodarbība ")
    assert lesson.endswith("(lv) is missing in: en.")
    assert hours == "The course's academic hours differ: lv 32, en 24."
    # The English version's editor is told the same, its own hours first.
    assert texts(english) == [
        module,
        lesson,
        "The course's academic hours differ: en 24, lv 32.",
    ]


def test_different_hours_quizzes_and_assignments_are_listed(two_versions):
    latvian, english = two_versions
    en_module = english.get_children().specific().first()
    en_module.hours = Decimal("10.5")
    en_module.save_revision().publish()
    lesson = LessonPage.objects.descendant_of(latvian).first()
    en_lesson = LessonPage.objects.descendant_of(en_module).first()
    en_lesson.quiz = make_quiz(title="Check", locale=en_lesson.locale)
    en_lesson.save_revision().publish()
    make_assignment(lesson, title="Mācību temats")
    assert texts(latvian) == [
        "Quiz “Check” (en) is missing in: lv.",
        "Assignment “Mācību temats” (lv) is missing in: en.",
        f"Module “{lesson.get_parent().title}” has different hours: lv 12, en 10.5.",
        "The course's academic hours differ: lv 24, en 22.5.",
    ]


def test_a_draft_module_does_not_count(two_versions):
    """Only live structure is compared: a draft is not yet what learners get."""
    latvian, _english = two_versions
    module = make_module(latvian, title="Melnraksts")
    module.unpublish()
    assert texts(latvian) == []


def test_the_editor_warns_in_latvian_and_in_english(client, two_versions):
    latvian, english = two_versions
    make_module(latvian, title="Papildu modulis", hours=Decimal(8))
    editor = make_user(is_superuser=True, is_staff=True)
    client.force_login(editor)
    response = client.get(f"/admin/pages/{latvian.pk}/edit/")
    html = response.content.decode()
    assert "Šī kursa valodu versijas atšķiras." in html
    assert "Modulis „Papildu modulis” (lv) nav šādās versijās: en." in html
    in_english_admin(editor)
    html = client.get(f"/admin/pages/{english.pk}/edit/").content.decode()
    assert "The language versions of this course differ." in html
    assert "Module “Papildu modulis” (lv) is missing in: en." in html


def test_publishing_warns_and_goes_ahead(client, two_versions):
    """Publishing the English module is not refused (translations often follow
    the original), and the author is told what still differs."""
    latvian, english = two_versions
    make_module(latvian, title="Papildu modulis", hours=Decimal(8))
    en_module = ModulePage.objects.child_of(english).first()
    editor = in_english_admin(make_user(is_superuser=True, is_staff=True))
    client.force_login(editor)
    response = client.post(
        f"/admin/pages/{en_module.pk}/edit/",
        nested_form_data(
            {
                "title": "Tools",
                "slug": en_module.slug,
                "intro": rich_text(""),
                "hours": "12",
                "module_competences": inline_formset([]),
                "comments": inline_formset([]),
                "action-publish": "action-publish",
            }
        ),
    )
    assert response.status_code == 302
    assert ModulePage.objects.get(pk=en_module.pk).live_revision.as_object().title == (
        "Tools"
    )
    shown = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(
        m.startswith("Published, but the language versions of this course differ")
        and "Module “Papildu modulis” (lv) is missing in: en." in m
        for m in shown
    ), shown


def test_an_editor_page_in_one_language_reads_three_queries_more(
    two_versions, django_assert_max_num_queries
):
    """The comparison reads the versions, modules, lessons (with quizzes) and
    assignments: a fixed number of queries whatever the course's size."""
    latvian, _english = two_versions
    with django_assert_max_num_queries(4):
        course_drift(latvian)


# Reports count a course once across its language versions ---------------------


@pytest.fixture
def drifted(two_versions):
    """The issue's case: a module added to the Latvian version only, and one
    learner in each version; the Latvian learner has done the extra module."""
    latvian, english = two_versions
    extra = make_lesson(make_module(latvian, title="Papildu modulis", hours=Decimal(8)))
    in_latvian = enrol(make_user(last_name="Bērziņa"), latvian)
    in_english = enrol(make_user(last_name="Smith"), english)
    record_lesson_completed(in_latvian, extra)
    staff = in_english_admin(make_user(is_superuser=True, is_staff=True))
    return latvian, english, in_latvian, in_english, staff


def test_the_matrix_of_either_version_has_every_module(client, drifted):
    """Read through the English version, the report still shows the Latvian-only
    module, done by the Latvian learner."""
    _latvian, english, in_latvian, in_english, staff = drifted
    structure = course_structure(english)
    assert [m.title for m in structure.modules][-1] == "Papildu modulis"
    assert len(structure.modules) == 3
    states = module_matrix(structure, [in_latvian.pk, in_english.pk])
    assert states[in_latvian.pk][-1] == "done"
    assert states[in_english.pk][-1] == "not_started"
    client.force_login(staff)
    html = client.get("/admin/reports/matrix/", {"course": english.pk}).content.decode()
    assert "Papildu modulis" in html
    assert "Bērziņa" in html and "Smith" in html


def test_the_summary_and_progress_report_name_the_course_once(client, drifted):
    """Both learners are one course's, named in the reader's language."""
    latvian, english, _in_latvian, _in_english, staff = drifted
    enrolments = Enrolment.objects.filter(course_key=latvian.translation_key)
    summary = programme_summary(enrolments)
    [course] = summary.courses
    assert (course.label, course.enrolled) == (english.title, 2)
    with translation.override("lv"):
        [course] = programme_summary(enrolments).courses
        assert course.label == latvian.title
    assert {row.course for row in report_rows(enrolments)} == {english.title}
    client.force_login(staff)
    html = client.get("/admin/reports/", {"course": latvian.pk}).content.decode()
    cells = re.findall(r"<td[^>]*>\s*([^<]*?)\s*</td>", html)
    assert cells.count(english.title) == 2, cells
    assert latvian.title not in cells
