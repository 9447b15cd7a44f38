from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.embeds.exceptions import EmbedNotFoundException
from wagtail.models import Page

from courses.models import CourseIndexPage, CoursePage, LessonPage, ModulePage
from tests.factories import (
    make_catalogue,
    make_course,
    make_course_tree,
    make_lesson,
    make_module,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_page_tree_rules():
    """Courses live in a catalogue, modules in courses, lessons in modules — nowhere else."""
    assert CoursePage.allowed_parent_page_models() == [CourseIndexPage]
    assert CourseIndexPage.allowed_subpage_models() == [CoursePage]
    assert CoursePage.allowed_subpage_models() == [ModulePage]
    assert ModulePage.allowed_parent_page_models() == [CoursePage]
    assert ModulePage.allowed_subpage_models() == [LessonPage]
    assert LessonPage.allowed_parent_page_models() == [ModulePage]
    assert LessonPage.allowed_subpage_models() == []
    catalogue = make_catalogue()
    course = make_course(catalogue)
    assert not LessonPage.can_create_at(course)
    assert not ModulePage.can_create_at(catalogue)
    assert not CoursePage.can_create_at(Page.get_first_root_node())


def test_course_hours_are_the_sum_of_live_modules():
    """A course's academic hours add up its published modules only."""
    course = make_course()
    make_module(course, hours=Decimal("12"))
    make_module(course, hours=Decimal("16.5"))
    draft = make_module(course, hours=Decimal("100"))
    draft.unpublish()
    assert course.total_hours == Decimal("28.5")
    listed = CourseIndexPage.objects.get().get_courses().get()
    assert listed.total_hours == Decimal("28.5")


def test_catalogue_lists_courses_with_hours(client):
    """The catalogue shows each published course with its hours."""
    course, _ = make_course_tree(modules=2, lessons=1, title="Kompetenču pieeja STEM")
    response = client.get(course.get_parent().url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kompetenču pieeja STEM" in html
    assert "24" in html


def test_course_page_lists_modules_hours_and_competences(client):
    """The course page shows its modules with hours and the competences they develop."""
    from courses.competences.frameworks import load_frameworks
    from courses.models import Competence, FrameworkLevel, ModuleCompetence

    load_frameworks()
    course = make_course(title="STEM kurss")
    module = make_module(course, title="Pētnieciskā mācīšanās", hours=Decimal(15))
    ModuleCompetence.objects.create(
        module=module,
        competence=Competence.objects.get(framework__code="DigCompEdu", code="3.1"),
        target_level=FrameworkLevel.objects.get(
            framework__code="DigCompEdu", code="B1"
        ),
    )
    response = client.get(course.url)
    html = response.content.decode()
    assert "Pētnieciskā mācīšanās" in html
    assert "15" in html
    assert "Teaching" in html or "Mācīšana" in html
    assert "B1" in html


def test_module_and_lesson_render_for_staff(client):
    """Module intro and the lesson's blocks render for a staff member previewing."""
    course = make_course()
    module = make_module(course, intro="<p>Moduļa ievads par STEM.</p>")
    lesson = make_lesson(
        module,
        title="Formatīvā vērtēšana",
        body=[
            ("heading", "Kāpēc vērtēt formatīvi"),
            ("paragraph", "<p>Atgriezeniskā saite mācību stundā.</p>"),
            ("callout", {"kind": "tip", "text": "<p>Izmantojiet izejas kartītes.</p>"}),
            (
                "practical_task",
                {
                    "title": "Izstrādājiet rubriku",
                    "instructions": "<p>Fizikas laboratorijas darbam.</p>",
                    "duration_minutes": 30,
                    "deliverable": "Rubrika",
                },
            ),
        ],
    )
    client.force_login(make_user(is_superuser=True))
    html = client.get(module.url).content.decode()
    assert "Moduļa ievads par STEM." in html
    assert "Formatīvā vērtēšana" in html
    html = client.get(lesson.url).content.decode()
    for text in (
        "Kāpēc vērtēt formatīvi",
        "Atgriezeniskā saite mācību stundā.",
        "Izmantojiet izejas kartītes.",
        "Izstrādājiet rubriku",
        "Fizikas laboratorijas darbam.",
    ):
        assert text in html


def test_broken_embed_still_renders_the_rest_of_the_lesson(client):
    """A video URL that cannot be embedded shows a link; the rest of the lesson stays."""
    module = make_module(make_course())
    lesson = make_lesson(
        module,
        body=[
            ("paragraph", "<p>Pirms video.</p>"),
            ("video", {"video": "https://video.invalid/watch?v=nope", "caption": ""}),
            ("paragraph", "<p>Pēc video.</p>"),
        ],
    )
    client.force_login(make_user(is_superuser=True))
    with mock.patch(
        "wagtail.embeds.embeds.get_embed", side_effect=EmbedNotFoundException
    ):
        response = client.get(lesson.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Pirms video." in html
    assert "Pēc video." in html
    assert "https://video.invalid/watch?v=nope" in html


def _course_page_queries(client, modules: int) -> int:
    course, _ = make_course_tree(modules=modules, lessons=2)
    client.get(course.url)  # warm the site and locale caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(course.url)
    assert response.status_code == 200
    return len(queries)


def test_course_page_query_count_does_not_grow_with_modules(client):
    """The course page costs the same number of queries for 3 modules as for 30."""
    small = _course_page_queries(client, 3)
    large = _course_page_queries(client, 30)
    assert small == large
    assert small <= 12


def test_lesson_and_module_preview_render_for_authors():
    """Wagtail's preview (which bypasses serve) renders lessons and modules."""
    from django.test import RequestFactory

    module = make_module(make_course(), title="Priekšskatāmais modulis")
    lesson = make_lesson(module, title="Priekšskatāmā nodarbība")
    request = RequestFactory().get("/")
    request.user = make_user(is_superuser=True)
    for page in (module, lesson):
        response = page.make_preview_request(original_request=request)
        assert response.status_code == 200
        assert page.title in response.content.decode()
