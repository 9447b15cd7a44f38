"""The SCORM player's script with the real scorm-again (from npm), run by Node.js:
the SCO resumes where the learner stopped, its commits are the flattened data
model the runtime accepts, and the lesson page is told when the lesson is done."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from courses.activities.models import Package
from courses.activities.tokens import attempt_token
from tests.activities.runtime_world import package_world

ROOT = Path(__file__).resolve().parents[2]
HARNESS = Path(__file__).with_name("scorm_player_harness.js")

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        shutil.which("node") is None
        or not (ROOT / "node_modules/scorm-again/dist").is_dir(),
        reason="needs Node.js and `npm ci` (make install)",
    ),
]

SITE = "http://127.0.0.1:8000"
#: What the harness answers the player's commits: the first leaves the lesson
#: open, the final one completes it.
REPLIES = [
    {"result": True, "errorCode": 0, "met": False, "lessonDone": False},
    {"result": True, "errorCode": 0, "met": True, "lessonDone": True},
]


@pytest.fixture(autouse=True)
def _origins(settings):
    settings.LMS_CONTENT_ORIGIN = "http://localhost:8001"
    settings.WAGTAILADMIN_BASE_URL = SITE


def play(config: dict) -> dict:
    result = subprocess.run(
        ["node", str(HARNESS), json.dumps(REPLIES)],
        input=json.dumps(config),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("kind", "location"),
    [
        (Package.Kind.SCORM_12, "cmi.core.lesson_location"),
        (Package.Kind.SCORM_2004, "cmi.location"),
    ],
)
def test_the_player_resumes_commits_and_tells_the_lesson_page(kind, location):
    """A SCO resumes at the saved place; its commits and final commit (waited for,
    not a beacon) are accepted by the runtime, which completes the lesson; the
    lesson page hears it once, on the site's origin only."""
    world = package_world(kind)
    attempt = world.attempt()
    attempt.location, attempt.suspend_data = "slide-3", "seen=1,2"
    attempt.save()
    token = attempt_token(attempt)
    content = Client(HTTP_HOST="localhost:8001")
    html = content.get(f"/play/{token}/").content.decode()
    config = json.loads(
        re.search(r'type="application/json">(.*?)</script>', html).group(1)
    )

    played = play(config)

    entry = "cmi.core.entry" if kind == Package.Kind.SCORM_12 else "cmi.entry"
    assert played["read"] == {
        location: "slide-3",
        "cmi.suspend_data": "seen=1,2",
        entry: "resume",
    }
    assert re.fullmatch(r"/p/[^/]+/index\.html", played["frame"])
    assert [commit["sync"] for commit in played["commits"]] == [True, True]
    assert {commit["url"] for commit in played["commits"]} == {f"/runtime/{token}/"}
    assert played["told"] == [
        {
            "message": {"type": "lms-activity", "met": True, "lessonDone": True},
            "origin": SITE,
        }
    ]
    replies = [
        content.post(
            commit["url"],
            data=json.dumps(commit["body"]),
            content_type="application/json",
        ).json()
        for commit in played["commits"]
    ]
    assert all(reply["result"] is True for reply in replies)
    assert replies[-1]["lessonDone"] is True
    attempt.refresh_from_db()
    assert attempt.score == Decimal("85")
    assert attempt.location == "slide-3"
