"""The demo's stand-in for Moodle launches the demo course over HTTP as a real
platform would (its keyset, token and grade endpoints included), so that anyone
running ``make demo`` can try the LTI journey in a browser."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from django.core.management import call_command

from courses.lti.keys import current_tool_key
from courses.lti.models import LtiIdentity, LtiRegistration
from tests.lti.platform import key_pair

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.lms.demo_platform_urls"),
]


def _post_form(page: str) -> tuple[str, dict[str, str]]:
    """The auto-posting form of the platform's auth page."""
    action = html.unescape(re.search(r'action="([^"]+)"', page).group(1))
    fields = {
        name: html.unescape(value)
        for name, value in re.findall(r'name="([^"]+)" value="([^"]*)"', page)
    }
    return action, fields


@pytest.fixture
def demo(live_server, settings, tmp_path):
    call_command("seed_demo", verbosity=0)
    settings.SIGNING_DIR = tmp_path
    settings.LMS_LTI_TOOL_KEY = key_pair()[0]
    current_tool_key()
    return live_server.url


def test_anna_opens_the_course_and_the_gradebook_gets_her_score(demo):
    with httpx.Client(base_url=demo, follow_redirects=True) as browser:
        home = browser.get("/demo-platform/")
        assert home.status_code == 200
        assert "Atvērt kā Anna" in home.text or "Open as Anna" in home.text
        registration = LtiRegistration.objects.get()
        assert registration.issuer == f"{demo}/demo-platform"

        start = browser.get(
            "/demo-platform/start/?person=anna&link=link-1", follow_redirects=False
        )
        # The tool's login page checks the browser keeps cookies, then loads
        # itself again so marked (a script, which this client does not run).
        auth = browser.get(start.headers["Location"] + "&lti1p3_new_window=1")
        assert auth.status_code == 200, auth.text
        action, fields = _post_form(auth.text)
        assert action == f"{demo}/lti/launch/"
        lesson = browser.post(action, data=fields)

        assert lesson.status_code == 200
        assert "/stem-competence-approach/" in str(lesson.url)
        user = LtiIdentity.objects.get(subject="anna").user
        assert user.get_full_name() == "Anna Bērziņa"
        # The lesson is done by reading it: the score went to the gradebook
        # through the token endpoint (the tests' task queue sends at once).
        gradebook = browser.get("/demo-platform/").text
        assert re.search(r"Anna Bērziņa</th><td>\d+ / 100", gradebook), gradebook


def test_a_person_or_link_the_platform_does_not_have_is_refused(live_server):
    with httpx.Client(base_url=live_server.url) as browser:
        response = browser.get("/demo-platform/start/?person=eve&link=link-1")

    assert response.status_code == 400
    assert not LtiIdentity.objects.exists()
