import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courses.catalogue import content_cache
from courses.enrolment.enrolling import enrol, withdraw
from courses.models import Enrolment, LessonPage, LessonProgress
from courses.progress.recording import record_lesson_completed
from tests.factories import make_cohort, make_course_tree, make_lesson, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(client):
    user = make_user(first_name="Jolanta", last_name="Ūzuliņa")
    client.force_login(user)
    return user


def test_course_overview_is_public(client):
    """Anyone can read the course page and is invited to enrol."""
    course, lessons = make_course_tree(modules=1, lessons=1, title="STEM kurss")
    response = client.get(course.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "STEM kurss" in html
    assert lessons[0].title in html


def test_lesson_is_closed_to_visitors_with_a_helpful_page(client):
    """A visitor who opens a lesson learns how to get in instead of a bare 403."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    lessons[0].body = [("paragraph", "<p>Slepens saturs.</p>")]
    lessons[0].save_revision().publish()
    response = client.get(lessons[0].url)
    html = response.content.decode()
    assert response.status_code == 403
    assert "Slepens saturs." not in html
    assert course.url in html
    assert "/accounts/login/" in html


def test_lesson_is_closed_to_signed_in_learners_not_enrolled(client, learner):
    """A signed-in teacher who has not enrolled sees the way to the course page."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    response = client.get(lessons[0].get_parent().url)
    assert response.status_code == 403
    assert course.url in response.content.decode()


def test_withdrawn_learner_is_shown_the_way_back(client, learner):
    """After withdrawal the lesson is closed and the page says how to re-enrol."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    withdraw(enrol(learner, course))
    response = client.get(lessons[0].url)
    assert response.status_code == 403
    assert course.url in response.content.decode()


def test_enrol_form_then_lesson_marked_done(learner):
    """Enrolling through the course page and marking a lesson done, as a browser does."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    page = client.get(course.url)
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    assert token, "the course page must set a CSRF cookie for its enrol form"
    response = client.post(
        f"/lv/courses/{course.pk}/enrol/", {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=learner)
    html = client.get(lessons[0].url).content.decode()
    assert f"/lv/lessons/{lessons[0].pk}/complete/" in html
    response = client.post(
        f"/lv/lessons/{lessons[0].pk}/complete/",
        {"csrfmiddlewaretoken": token, "next": lessons[1].url},
    )
    assert response.status_code == 302
    assert response["Location"] == lessons[1].url
    enrolment.refresh_from_db()
    assert (enrolment.completed_items, enrolment.percent) == (1, 50)


def test_mark_done_without_csrf_is_refused(learner):
    """Marking a lesson done is a state change and needs the CSRF token."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    enrol(learner, course)
    client = Client(enforce_csrf_checks=True)
    client.force_login(learner)
    response = client.post(f"/lv/lessons/{lessons[0].pk}/complete/")
    assert response.status_code == 403
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_wrong_key_in_the_enrol_form_shows_a_message(client, learner):
    """A wrong key sends the teacher back to the course page with the reason."""
    course, _ = make_course_tree(modules=1, lessons=1)
    make_cohort(course, enrolment_key="STEM")
    response = client.post(
        f"/en/courses/{course.pk}/enrol/", {"key": "nope"}, follow=True
    )
    assert "enrolment key is not correct" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_lesson_page_shows_progress_and_navigation(client, learner):
    """The lesson page shows the module's progress and links to its neighbours."""
    course, lessons = make_course_tree(modules=1, lessons=3)
    enrolment = enrol(learner, course)
    record_lesson_completed(enrolment, lessons[0])
    html = client.get(lessons[1].url).content.decode()
    assert lessons[0].url in html
    assert lessons[2].url in html
    assert 'id="module-progress" max="100" value="33"' in html


def test_view_rule_lesson_is_done_once_opened(client, learner):
    """Opening a "done on first view" lesson completes it."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    lessons[0].completion_rule = LessonPage.CompletionRule.VIEW
    lessons[0].save_revision().publish()
    enrolment = enrol(learner, course)
    client.get(lessons[0].url)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED


def test_dashboard_shows_courses_progress_and_next_step(client, learner):
    """The dashboard lists my courses with percent and where to continue."""
    course, lessons = make_course_tree(
        modules=2, lessons=2, title="Pētnieciskā mācīšanās"
    )
    done, done_lessons = make_course_tree(
        modules=1, lessons=1, title="Formatīvā vērtēšana"
    )
    record_lesson_completed(enrol(learner, course), lessons[0])
    record_lesson_completed(enrol(learner, done), done_lessons[0])
    html = client.get("/lv/my/").content.decode()
    assert "Pētnieciskā mācīšanās" in html
    assert "25" in html
    assert lessons[1].url in html
    assert "Formatīvā vērtēšana" in html


def test_dashboard_needs_sign_in(client):
    """Anonymous visitors are sent to sign in."""
    response = client.get("/lv/my/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _learner_in_course(modules: int, lessons: int, extra_enrolments: int):
    user = make_user()
    course, course_lessons = make_course_tree(modules=modules, lessons=lessons)
    enrolment = enrol(user, course)
    for lesson in course_lessons[: len(course_lessons) // 2]:
        record_lesson_completed(enrolment, lesson)
    for _ in range(extra_enrolments):
        other, other_lessons = make_course_tree(modules=1, lessons=1)
        record_lesson_completed(enrol(user, other), other_lessons[0])
    client = Client()
    client.force_login(user)
    return client, course, course_lessons


def test_learner_pages_use_a_fixed_number_of_queries():
    """Lesson, course, dashboard and mark-done cost the same for small and large
    courses; read again, a page takes the published structure from the content
    cache and asks the database only about the learner."""
    measured = []
    for modules, lessons, extra in ((2, 2, 0), (8, 6, 4)):
        client, course, course_lessons = _learner_in_course(modules, lessons, extra)
        lesson = course_lessons[-1]
        client.get(lesson.url)  # the first view writes its progress row
        cache.clear()
        content_cache.forget_local_copies()
        urls = (lesson.url, course.url, "/lv/my/")
        first = [_queries(client, url) for url in urls]
        again = [_queries(client, url) for url in urls]
        with CaptureQueriesContext(connection) as queries:
            client.post(f"/lv/lessons/{course_lessons[-2].pk}/complete/")
        measured.append((*first, *again, len(queries)))
    assert measured[0] == measured[1]
    lesson_first, course_first, dashboard_first, *again, complete = measured[0]
    # Cold, the lesson and course pages also read the course's assignments (for
    # "Next" from a module's last lesson and the outline), once for any size; the
    # first page also reads the active LTI platforms (who may frame the site, and
    # whether a score is ever sent), once per content version.
    assert lesson_first <= 21 and course_first <= 20 and dashboard_first <= 9
    # Content version, session, user and enrolment(s); the lesson page also reads
    # the learner's progress.
    assert again == [5, 14, 4]
    # Completing also brings the lesson's module row of the reports' summary up to
    # date (read, then write the one row that changed).
    assert complete <= 24


def test_module_page_is_open_to_enrolled_learners(client, learner):
    """An enrolled teacher reads the module page with its lessons."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    enrol(learner, course)
    extra = make_lesson(lessons[0].get_parent().specific, title="Papildu nodarbība")
    html = client.get(lessons[0].get_parent().url).content.decode()
    assert "Papildu nodarbība" in html
    assert extra.url in html


def test_republished_lesson_shows_its_new_content(client, learner):
    """A lesson's rendering is cached per published revision, so an edit shows at once."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    enrol(learner, course)
    lesson = lessons[0]
    assert "Pētnieciskā mācīšanās fizikā." in client.get(lesson.url).content.decode()
    lesson.body = [("paragraph", "<p>Jauna versija: ķīmija.</p>")]
    lesson.save_revision().publish()
    html = client.get(lesson.url).content.decode()
    assert "Jauna versija: ķīmija." in html
    assert "Pētnieciskā mācīšanās fizikā." not in html
