"""A teacher plays the demo's SCORM and H5P lessons to completion in Chromium: the
packages run in the sandboxed, cookieless content origin (another host name of the
live server), resume where the teacher stopped and complete their lessons."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from courses.activities.models import ActivityAttempt
from courses.models import LessonPage, LessonProgress
from tests.e2e.conftest import expect, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MODULE = "/lv/stem-competence-approach/digital-tools-digcompedu"


@pytest.fixture
def content_origin(live_server, settings) -> str:
    """The demo's content origin for the live server: the same server under the
    other name of this machine, so that the browser keeps their cookies apart."""
    site = urlsplit(live_server.url)
    other = "127.0.0.1" if site.hostname == "localhost" else "localhost"
    origin = f"{site.scheme}://{other}:{site.port}"
    settings.LMS_CONTENT_ORIGIN = origin
    # The content origin lets the site's address frame it (frame-ancestors).
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, other, site.hostname]
    policy = dict(settings.CONTENT_SECURITY_POLICY)
    directives = dict(policy["DIRECTIVES"])
    directives["frame-src"] = [*directives.get("frame-src", []), origin]
    policy["DIRECTIVES"] = directives
    settings.CONTENT_SECURITY_POLICY = policy
    return origin


@pytest.fixture
def teacher(content_origin):
    call_command("seed_demo", verbosity=0)
    return get_user_model().objects.get(email="teacher@example.edu")


def eventually(check, seconds: float = 5) -> None:
    """Waits for what the browser sends to reach the database."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the commit never arrived"
        time.sleep(0.1)


def lesson_done(teacher, slug: str) -> bool:
    lesson = LessonPage.objects.get(locale__language_code="lv", slug=slug)
    return LessonProgress.objects.filter(
        enrolment__user=teacher,
        lesson_key=lesson.translation_key,
        completed_at__isnull=False,
    ).exists()


def test_a_scorm_lesson_resumes_and_completes_in_the_content_origin(
    teacher, content_origin, page
):
    content_responses = []
    page.on(
        "response",
        lambda response: (
            response.url.startswith(content_origin)
            and content_responses.append(response)
        ),
    )
    sign_in(page, "teacher@example.edu", "teacher-demo-2026", lang="lv")
    page.goto(f"{MODULE}/sound-waves-simulation/")
    sco = page.frame_locator("#activity-frame").frame_locator("#player-frame")
    expect(sco.locator("h1")).to_have_text("Skaņas viļņi: no simulācijas uz mērījumu")
    sco.get_by_role("button", name="Tālāk").click()
    expect(sco.locator("#where")).to_have_text("2 / 3")
    # Saved on the server as the package commits it: the reload resumes there.
    eventually(lambda: ActivityAttempt.objects.get().location == "1")
    page.reload()
    sco = page.frame_locator("#activity-frame").frame_locator("#player-frame")
    expect(sco.locator("#where")).to_have_text("2 / 3")

    sco.get_by_role("button", name="Tālāk").click()
    sco.get_by_label("Viļņa garums samazinās uz pusi").check()
    sco.get_by_role("button", name="Pārbaudīt").click()
    expect(sco.locator("#verdict")).to_contain_text("Pareizi")
    expect(page.locator("#activity-status")).to_have_text("Nodarbība pabeigta ✓")
    assert lesson_done(teacher, "sound-waves-simulation")
    attempt = ActivityAttempt.objects.get()
    assert (attempt.success, attempt.score, attempt.met) == ("passed", 100, True)

    # The package ran sandboxed on the content origin, which set no cookie and
    # was never sent one.
    assert content_responses
    for response in content_responses:
        headers = response.all_headers()
        assert "set-cookie" not in headers
        if "text/html" in headers.get("content-type", ""):
            assert "sandbox" in headers["content-security-policy"]
            assert "frame-ancestors" in headers["content-security-policy"]
        assert "cookie" not in response.request.all_headers()
    assert page.context.cookies(content_origin) == []


def test_an_h5p_lesson_completes_by_its_score(teacher, content_origin, page):
    sign_in(page, "teacher@example.edu", "teacher-demo-2026", lang="lv")
    page.goto(f"{MODULE}/formative-self-check/")
    # h5p-standalone draws the content in a frame of its own inside the player.
    player = page.frame_locator("#activity-frame").frame_locator("iframe.h5p-iframe")
    question = player.get_by_text("Kāds ir formatīvās vērtēšanas galvenais mērķis?")
    expect(question).to_be_visible()
    player.get_by_label("Iegūt liecības, lai pielāgotu mācīšanos").check()
    player.get_by_label("Tūlītējs visas klases atbilžu kopskats").check()
    player.get_by_role("button", name="Pārbaudīt").click()
    expect(player.get_by_text("Pareizas atbildes: 2 no 2.")).to_be_visible()
    expect(page.locator("#activity-status")).to_have_text("Nodarbība pabeigta ✓")
    assert lesson_done(teacher, "formative-self-check")
    attempt = ActivityAttempt.objects.get()
    assert (attempt.score, attempt.met) == (100, True)


def test_what_a_package_set_is_kept_when_the_tab_closes(teacher, content_origin, page):
    """A SCO that sets its place and never commits: closing the tab sends it."""
    sign_in(page, "teacher@example.edu", "teacher-demo-2026", lang="lv")
    page.goto(f"{MODULE}/sound-waves-simulation/")
    sco = page.frame_locator("#activity-frame").frame_locator("#player-frame")
    expect(sco.locator("h1")).to_be_visible()
    player = next(frame for frame in page.frames if "/play/" in frame.url)
    player.evaluate("() => window.API.LMSSetValue('cmi.core.lesson_location', '2')")
    page.close(run_before_unload=True)
    eventually(lambda: ActivityAttempt.objects.get().location == "2")
