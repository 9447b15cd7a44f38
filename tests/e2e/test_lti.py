"""A teacher opens our course from the university's Moodle in Chromium: the
platform (lti1p3platform behind a small HTTP server on the machine's other host
name, so the launch is cross-site as in life) starts the OIDC login, signs the
``id_token`` its page posts to us, and gets the teacher's score back."""

from __future__ import annotations

import html
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from lti1p3platform.registration import Registration

from courses.lti.models import LtiDeployment, LtiIdentity, LtiRegistration
from tests.e2e.conftest import expect
from tests.lti.platform import (
    CLIENT_ID,
    PlatformLogin,
    key_pair,
    platform_for,
    signed_launch,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

COURSE = "stem-competence-approach"


class Moodle(BaseHTTPRequestHandler):
    """The platform's pages: a course page with our link, the start of the login,
    its auth endpoint (which answers with the signed launch the browser posts to
    us), its keyset, token and grade endpoints."""

    platform = None
    jwks: dict = {}
    lineitem = ""
    scores: list[dict] = []

    def _send(self, status: int, body: str, content_type: str = "text/html") -> None:
        payload = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/course":
            self._send(
                200, '<h1>STEM (Moodle)</h1><a href="/start">Open the course</a>'
            )
        elif url.path == "/start":
            login = PlatformLogin(None, self.platform)
            login.set_lti_message_hint(hint="resource-link-42")
            self.send_response(302)
            self.send_header("Location", login.initiate_login("moodle-user-7").url)
            self.end_headers()
        elif url.path == "/auth":
            form = signed_launch(
                self.platform,
                params,
                custom={"course": COURSE},
                claims={
                    "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
                        "locale": "lv"
                    },
                    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                        "scope": [
                            "https://purl.imsglobal.org/spec/lti-ags/scope/score"
                        ],
                        "lineitem": self.lineitem,
                    },
                },
            )
            fields = "".join(
                f'<input type="hidden" name="{name}" value="{html.escape(value)}">'
                for name, value in form.items()
            )
            self._send(
                200,
                f'<form id="launch" method="post" action="{params["redirect_uri"]}">'
                f"{fields}</form><script>launch.submit()</script>",
            )
        else:
            self._send(200, json.dumps(self.jwks), "application/json")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith("/token"):
            answer = {"access_token": "moodle-token", "expires_in": 3600}
            self._send(200, json.dumps(answer), "application/json")
        else:
            Moodle.scores.append(json.loads(body))
            self._send(200, "{}", "application/json")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def moodle(live_server, settings):
    """The platform on the live server's other host name, registered here."""
    call_command("seed_demo", verbosity=0)
    site = urlsplit(live_server.url)
    other = "127.0.0.1" if site.hostname == "localhost" else "localhost"
    server = ThreadingHTTPServer((other, 0), Moodle)
    base = f"http://{other}:{server.server_address[1]}"
    tool_key, platform_keys = key_pair(), key_pair()
    settings.LMS_LTI_TOOL_KEY = tool_key[0]
    registration = LtiRegistration.objects.create(
        name="LU Moodle",
        issuer=base,
        client_id=CLIENT_ID,
        auth_login_url=f"{base}/auth",
        auth_token_url=f"{base}/token",
        keyset_url=f"{base}/certs",
    )
    LtiDeployment.objects.create(registration=registration, deployment_id="1")
    Moodle.platform = platform_for(
        registration,
        platform_keys,
        issuer=base,
        login_url=f"{live_server.url}/lti/{registration.uuid}/login/",
        launch_url=f"{live_server.url}/lti/launch/",
    )
    Moodle.jwks = {
        "keys": Registration.get_jwks(
            Registration().set_platform_public_key(platform_keys[1])
        )
    }
    Moodle.lineitem = f"{base}/mod/lti/services.php/2/lineitems/7/lineitem"
    Moodle.scores = []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield base
    server.shutdown()


def test_teacher_opens_the_course_from_moodle_and_moodle_gets_the_score_once(
    page, moodle
):
    posted: list[dict] = []
    page.on(
        "request",
        lambda request: (
            posted.append(
                {k: v[0] for k, v in parse_qs(request.post_data or "").items()}
            )
            if request.url.endswith("/lti/launch/")
            else None
        ),
    )
    page.goto(f"{moodle}/course")
    page.get_by_role("link", name="Open the course").click()

    # Signed in with no password, enrolled, on the first lesson, in Latvian.
    page.wait_for_url(f"**/lv/{COURSE}/**")
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    user = LtiIdentity.objects.get(subject="moodle-user-7").user
    assert user.get_full_name() == "Anna Bērziņa"
    assert user.enrolments.get().course.slug == COURSE
    # The lesson is done by reading it.
    expect(page.locator("main")).to_contain_text("Pabeigta")

    # The score reaches the platform's grade column (the tests' task queue runs
    # the passback at once, after the commit).
    deadline = time.monotonic() + 10
    while not Moodle.scores and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Moodle.scores, "no score reached the platform"
    score = Moodle.scores[-1]
    assert score["userId"] == "moodle-user-7"
    assert score["scoreMaximum"] == 100
    assert 0 < score["scoreGiven"] < 100
    assert score["activityProgress"] == "InProgress"

    launch_url = f"{page.url.split('/lv/')[0]}/lti/launch/"

    # The very same id_token and state posted again, from the platform's page.
    page.goto(f"{moodle}/course")
    page.evaluate(
        """([action, fields]) => {
            const form = document.createElement("form");
            form.method = "post";
            form.action = action;
            for (const [name, value] of Object.entries(fields)) {
                const input = document.createElement("input");
                input.type = "hidden";
                input.name = name;
                input.value = value;
                form.append(input);
            }
            document.body.append(form);
            form.submit();
        }""",
        [launch_url, posted[0]],
    )

    # In the browser's language (English here): the token is not trusted.
    expect(page.locator("main")).to_contain_text("This launch could not be verified")
    assert LtiIdentity.objects.count() == 1
