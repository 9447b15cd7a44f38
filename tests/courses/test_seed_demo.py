"""``manage.py seed_demo``: the demo programme, its accounts, sessions, quizzes
and assignment. The tests read one build of it (the ``demo`` fixture)."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, Site
from wagtail.users.models import UserProfile

from courses import checks
from courses.demo.seed import ensure_site
from courses.live_sessions.attendance import attended_hours
from courses.models import (
    Assignment,
    AssignmentSubmission,
    Attendance,
    Cohort,
    Competence,
    CoursePage,
    Enrolment,
    LessonPage,
    LiveSession,
    ModuleCompetence,
    ModulePage,
    PeerReview,
    Quiz,
)
from courses.roles import (
    COURSE_AUTHORS,
    PROGRAMME_ADMINISTRATORS,
    SITE_ADMINISTRATORS,
    TUTORS,
)
from tests.factories import make_catalogue, make_user

MODELS = (
    Page,
    CoursePage,
    ModulePage,
    LessonPage,
    ModuleCompetence,
    Competence,
    Cohort,
    Enrolment,
    get_user_model(),
    LiveSession,
    Attendance,
    Quiz,
    Assignment,
    AssignmentSubmission,
    PeerReview,
)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_demo_builds_the_programme(demo):
    """The demo course has 60 hours over ≥4 modules and ≥12 lessons, in Latvian and English."""
    lv = CoursePage.objects.get(locale__language_code="lv")
    en = CoursePage.objects.get(locale__language_code="en")
    assert en.translation_key == lv.translation_key
    assert "Competence-Based Approach for STEM Specialists" in en.title
    assert "Kompetenču pieeja" in lv.title
    assert lv.total_hours == en.total_hours == Decimal(60)
    assert ModulePage.objects.child_of(lv).count() >= 4
    assert LessonPage.objects.descendant_of(lv).count() >= 12
    assert ModuleCompetence.objects.filter(module__locale=lv.locale).count() >= 8
    assert lv.provider_name == "Daugavpils Universitāte"
    assert "NFI/IC/VIAA/2020/4" in lv.funding_line
    assert lv.self_enrolment


def test_demo_teacher_is_offered_two_colleagues_units_to_comment_on(demo):
    """The demo assignment asks for peer feedback; once the teacher has submitted,
    both colleagues' units of the cohort are offered, and the course team has a
    colleague's comment to moderate."""
    from courses.assignments.peer import offer_peer_reviews
    from courses.assignments.submissions import submit_assignment

    assignment = Assignment.objects.get(locale__language_code="lv")
    assert assignment.peer_feedback and assignment.peer_reviews_per_learner == 2
    [pending] = PeerReview.objects.filter(status=PeerReview.Status.PENDING)
    assert pending.reviewer.user.first_name == "Ilze"
    teacher = Enrolment.objects.get(user__username="teacher")
    submit_assignment(teacher, assignment, text="Fizika, 9. klase")
    offered = offer_peer_reviews(teacher, assignment)
    assert sorted(r.submission.enrolment.user.first_name for r in offered) == [
        "Artūrs",
        "Ilze",
    ]


@pytest.mark.django_db
def test_the_demo_site_follows_the_configured_address(settings):
    """Seeding puts the default Wagtail site at the configured host and port (443
    for https) with the catalogue as its root, so the address check is silent."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100"
    catalogue = make_catalogue()
    assert checks.check_site_address(databases=["default"])
    ensure_site(catalogue)
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_page_id) == (
        "127.0.0.1",
        8100,
        catalogue.pk,
    )
    assert checks.check_site_address(databases=["default"]) == []
    settings.WAGTAILADMIN_BASE_URL = "https://kursi.du.lv"
    ensure_site(catalogue)
    assert Site.objects.get().root_url == "https://kursi.du.lv"


def test_seed_demo_again_duplicates_nothing_and_prints_the_accounts(demo, capsys):
    """Running the demo seed again duplicates nothing (pages, people, sessions,
    attendance, quizzes, assignments) and prints the demo accounts."""
    first = counts()
    call_command("seed_demo")
    assert counts() == first
    # The quizzes stay on the programme's lessons, not on the package lessons
    # that come after them.
    assert not LessonPage.objects.exclude(quiz=None).exclude(activity=None).exists()
    output = capsys.readouterr().out
    for line in ("admin / ", "author / ", "tutor / ", "programme / ", "teacher / "):
        assert line in output


def test_demo_accounts_hold_the_roles_their_names_promise(demo, client):
    """The demo's staff are in their roles' groups; the tutor teaches the group
    the demo teacher is in; the author's admin opens in Latvian; each signs in
    to the admin with the printed password."""
    groups = {
        user.username: sorted(user.groups.values_list("name", flat=True))
        for user in get_user_model().objects.filter(
            username__in=["admin", "author", "tutor", "programme"]
        )
    }
    assert groups == {
        "admin": [SITE_ADMINISTRATORS],
        "author": [COURSE_AUTHORS],
        "tutor": [TUTORS],
        "programme": [PROGRAMME_ADMINISTRATORS],
    }
    teacher = Enrolment.objects.get(user__username="teacher")
    assert [t.username for t in teacher.cohort.tutors.all()] == ["tutor"]
    author = get_user_model().objects.get(username="author")
    assert UserProfile.get_for_user(author).preferred_language == "lv"
    for username in ("tutor", "programme"):
        response = client.post(
            "/admin/login/",
            {"username": username, "password": f"{username}-demo-2026"},
        )
        assert (response.status_code, response["Location"]) == (302, "/admin/")
        assert client.get("/admin/").status_code == 200
        client.logout()


def test_demo_teacher_can_sign_in_and_enrol_without_key(demo, client):
    """The printed teacher account works and the demo course needs no key."""
    from courses.enrolment.enrolling import self_enrol

    response = client.post(
        "/en/accounts/login/",
        {"login": "teacher@example.edu", "password": "teacher-demo-2026"},
    )
    assert response.status_code == 302
    course = CoursePage.objects.get(locale__language_code="lv")
    other = make_user(username="guest")
    assert self_enrol(other, course).status == Enrolment.Status.ACTIVE


def test_demo_has_the_trondheim_session_and_attendance(demo):
    """The demo schedules the programme's sessions and marks the teacher present once."""
    trondheim = LiveSession.objects.get(start__date="2021-03-18")
    assert "Trondheim Science Centre" in trondheim.place_en
    assert trondheim.mode == LiveSession.Mode.ONLINE
    assert LiveSession.objects.count() == 5
    teacher = Enrolment.objects.get(user__username="teacher")
    [attendance] = Attendance.objects.filter(enrolment=teacher)
    assert attendance.status == "present"
    assert attended_hours(teacher) == attendance.session.hours


def test_seed_demo_creates_quizzes_and_the_assignment(demo):
    """Each module gets a quiz in both languages, linked from an activity lesson."""
    assert Quiz.objects.filter(locale__language_code="lv").count() == 5
    assert Quiz.objects.filter(locale__language_code="en").count() == 5
    lessons = LessonPage.objects.exclude(quiz=None).select_related("quiz__locale")
    assert lessons.count() == 10
    for lesson in lessons:
        assert lesson.completion_rule == "activity"
        assert lesson.quiz.locale_id == lesson.locale_id
    lv, en = (
        Quiz.objects.get(locale__language_code=code, title__icontains=word)
        for code, word in (("lv", "formatīvā"), ("en", "formative"))
    )
    assert lv.translation_key == en.translation_key
    assert [q.id for q in lv.get_questions()] == [q.id for q in en.get_questions()]
    assert Assignment.objects.count() == 2
    assert Assignment.objects.get(locale__language_code="en").competences.count() == 4


def test_seed_demo_adds_a_scorm_and_an_h5p_lesson_in_each_language(demo):
    """The digital tools module ends with a SCORM 1.2 lesson and an H5P lesson,
    each language version playing its own package, stored file for file."""
    from django.core.files.storage import default_storage

    lessons = LessonPage.objects.exclude(activity=None).select_related(
        "activity__package", "locale"
    )
    found = {
        (lesson.locale.language_code, lesson.activity.package.kind): lesson
        for lesson in lessons
    }
    assert set(found) == {
        ("lv", "scorm12"),
        ("lv", "h5p"),
        ("en", "scorm12"),
        ("en", "h5p"),
    }
    for kind in ("scorm12", "h5p"):
        lv, en = found["lv", kind], found["en", kind]
        assert lv.translation_key == en.translation_key
        assert lv.activity.package != en.activity.package
        assert lv.completion_rule == "activity"
        package = lv.activity.package
        assert default_storage.exists(package.storage_name(package.launch))
    assert found["lv", "scorm12"].title == "Skaņas viļņi: no simulācijas uz mērījumu"


@pytest.mark.django_db
def test_demo_fixture_is_gone_for_other_tests():
    """Tests that do not read the demo see none of it (it is rolled back)."""
    assert not CoursePage.objects.exists()
    assert not get_user_model().objects.filter(username="teacher").exists()
