"""The lesson page's side of a package: the sandboxed player for its learners, a
note for the course team and when the site has no content origin, two queries
more than a lesson without one, and the checks that keep the origin apart."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.core.checks import run_checks
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courses.activities.models import ActivityAttempt
from courses.activities.origin import MIDDLEWARE_PATH
from courses.catalogue import content_cache
from tests.activities.runtime_world import commit, package_world
from tests.factories import make_user

pytestmark = pytest.mark.django_db

CONTENT = "http://localhost:8001"


@pytest.fixture(autouse=True)
def _origins(settings):
    settings.LMS_CONTENT_ORIGIN = CONTENT
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8000"


def learner_client(world) -> Client:
    client = Client()
    client.force_login(world.enrolment.user)
    return client


def test_an_enrolled_learner_plays_the_package_in_a_sandboxed_frame():
    """The lesson frames the player of the learner's attempt from the content
    origin, sandboxed, in the lesson's language, with a status line and the
    script that listens to the player."""
    world = package_world()
    html = learner_client(world).get(world.lesson.url).content.decode()
    frame = re.search(r"<iframe id=\"activity-frame\"[^>]*>", html).group(0)
    attempt = ActivityAttempt.objects.get(enrolment=world.enrolment)
    assert re.search(rf'src="{CONTENT}/play/[^/"]+/\?lang=lv"', frame)
    assert f'data-content-origin="{CONTENT}"' in frame
    assert (
        'sandbox="allow-scripts allow-same-origin allow-forms allow-popups '
        'allow-modals allow-downloads"'
    ) in frame
    assert 'allow="fullscreen"' in frame
    assert 'title="Skaņas viļņi"' in frame
    assert attempt.number == 1
    assert "Jūsu progress tiek saglabāts darba gaitā." in html
    assert 'src="/static/courses/activities/lesson-activity.js"' in html
    # Shown when the player reports the lesson done.
    assert re.search(r"<p class=\"completion-state\" data-activity-done hidden>", html)


def test_the_sites_policy_lets_the_lesson_frame_the_content_origin():
    """The site's Content-Security-Policy allows frames from the content origin."""
    world = package_world()
    response = learner_client(world).get(world.lesson.url)
    policy = response["Content-Security-Policy"]
    frames = re.search(r"frame-src ([^;]*)", policy).group(1).split()
    assert CONTENT in frames


def test_the_course_team_gets_a_note_instead_of_the_player():
    """A staff member reading the lesson sees a note, and no attempt is made."""
    world = package_world()
    client = Client()
    client.force_login(make_user(is_superuser=True, is_staff=True))
    html = client.get(world.lesson.url).content.decode()
    assert "activity-frame" not in html
    assert "Kursa dalībnieki šeit izpilda šīs nodarbības e-mācību aktivitāti." in html
    assert not ActivityAttempt.objects.exists()


def test_without_a_content_origin_the_lesson_says_so(settings):
    """With no content origin set, the lesson says the activity cannot play yet."""
    settings.LMS_CONTENT_ORIGIN = ""
    world = package_world()
    html = learner_client(world).get(world.lesson.url).content.decode()
    assert "activity-frame" not in html
    assert "Šīs nodarbības e-mācību aktivitāti vēl nevar atskaņot" in html
    assert not ActivityAttempt.objects.exists()


def _warm_queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_a_lesson_with_a_package_costs_two_queries_more():
    """Read again, a lesson that plays a package asks the database two things more
    than one without: the activity with its package, and the learner's attempts."""
    world = package_world()
    client = learner_client(world)
    client.get(world.lesson.url)  # the first view begins the attempt
    cache.clear()
    content_cache.forget_local_copies()
    without = _warm_queries(client, world.other_lesson.url)
    with_package = _warm_queries(client, world.lesson.url)
    assert without == 5
    assert with_package == without + 2


def _ids(messages) -> set[str]:
    return {message.id for message in messages}


def test_the_checks_warn_without_a_content_origin(settings):
    """No content origin is a warning: packages cannot play."""
    settings.LMS_CONTENT_ORIGIN = ""
    assert "courses.W030" in _ids(run_checks())


def test_the_checks_refuse_the_sites_own_host(settings):
    """A content origin on the site's host name, even on another port, is an
    error: the site's cookies would reach the packages."""
    settings.LMS_CONTENT_ORIGIN = "http://127.0.0.1:8001"
    assert "courses.E031" in _ids(run_checks())


def test_the_checks_want_the_middleware_before_the_session(settings):
    """Without the middleware first, the content host would reach the site."""
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MIDDLEWARE_PATH]
    assert "courses.E032" in _ids(run_checks())


def test_the_checks_want_the_content_host_allowed(settings):
    """A content host Django refuses would make every package a 400."""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    assert "courses.E033" in _ids(run_checks())


def test_the_checks_refuse_cookies_shared_with_the_content_host(settings):
    """A session cookie for the parent domain would reach the content host."""
    settings.WAGTAILADMIN_BASE_URL = "https://kursi.example.edu"
    settings.LMS_CONTENT_ORIGIN = "https://content.example.edu"
    settings.ALLOWED_HOSTS = ["kursi.example.edu", "content.example.edu"]
    settings.SESSION_COOKIE_DOMAIN = ".example.edu"
    messages = run_checks()
    assert "courses.E034" in _ids(messages)
    assert "courses.E031" not in _ids(messages)


def test_a_healthy_setup_passes_the_checks():
    """The demo's own settings raise none of the content origin's messages."""
    ids = _ids(run_checks())
    assert not ids & {"courses.W030", "courses.E031", "courses.E032", "courses.E033"}


def test_the_learner_sees_their_attempts_and_best_score():
    """Back at the lesson, the learner reads how many attempts they have made and
    their best score; before any score, only the status line."""
    world = package_world()
    client = learner_client(world)
    html = client.get(world.lesson.url).content.decode()
    assert "lesson-activity__record" not in html
    commit(
        world.attempt(),
        {"cmi.core.lesson_status": "failed", "cmi.core.score.raw": "80"},
    )
    # The failed attempt is over: the next launch begins another.
    commit(
        world.attempt(),
        {"cmi.core.lesson_status": "failed", "cmi.core.score.raw": "45"},
    )
    html = client.get(world.lesson.url).content.decode()
    record = re.search(r'<p class="lesson-activity__record">([^<]*)</p>', html)
    assert " ".join(record.group(1).split()) == "2 mēģinājumi · labākais rezultāts 80 %"
