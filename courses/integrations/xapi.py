"""xAPI statements for a Learning Record Store (xAPI 1.0.3), over plain HTTP.

A site that sets ``LMS_XAPI_ENDPOINT`` gets a statement for each enrolment,
completed lesson, graded quiz (passed or failed, with the score), attended session
and completed course. Each statement's id is a UUID of its event key, so a
statement sent again (after a timeout, say) is the same statement to the LRS,
which keeps it once.

The learner is an account on this site, named by an opaque id: the LRS learns
nothing of who they are unless the site gives it the mapping.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from django.utils.crypto import salted_hmac
from wagtail.models import Page

from courses.conf import lms_setting
from courses.integrations.models import Event, IntegrationEvent, XapiStatement
from courses.site import base_url, page_url

XAPI_VERSION = "1.0.3"
#: The namespace of statement ids (uuid5 of the event key).
STATEMENT_NAMESPACE = uuid.UUID("6f1c0f4e-8a55-4b0a-9a43-3c9d0e1b7a21")

ADL = "http://adlnet.gov/expapi/verbs/"
ACTIVITY = "http://adlnet.gov/expapi/activities/"

#: Event → the ADL verb of its statement (a graded quiz: passed or failed).
XAPI_EVENTS: dict[str, str] = {
    Event.ENROLMENT_CREATED: "registered",
    Event.LESSON_COMPLETED: "completed",
    Event.QUIZ_GRADED: "passed",
    Event.ACTIVITY_RESULT: "completed",
    Event.SESSION_ATTENDED: "attended",
    Event.COURSE_COMPLETED: "completed",
}


def xapi_enabled() -> bool:
    return bool(lms_setting("LMS_XAPI_ENDPOINT"))


def statement_id(key: str) -> uuid.UUID:
    """The statement's id: the same for the same event, whatever happens."""
    return uuid.uuid5(STATEMENT_NAMESPACE, key)


def new_statement(event: IntegrationEvent, now: datetime) -> XapiStatement:
    """The statement row of an event, due now (built when first sent)."""
    return XapiStatement(
        statement_id=statement_id(event.key),
        event=event.event,
        event_key=event.key,
        payload=event.payload,
        next_attempt_at=now,
    )


def actor(user_id: int) -> dict[str, Any]:
    """The learner as an account of this site, by an id that names no one.

    Derived from the user's id with the site's SECRET_KEY, so it stays the same for
    a person (while the key does) and cannot be turned back into the id."""
    name = salted_hmac("courses.integrations.xapi.actor", str(user_id)).hexdigest()
    return {
        "objectType": "Agent",
        "account": {"homePage": base_url(), "name": name[:32]},
    }


def _page_activity(page_id: int | None, kind: str) -> dict[str, Any]:
    page = Page.objects.filter(pk=page_id).select_related("locale").first()
    if page is None:
        # A page deleted since: its id stays a stable IRI on this site.
        return {
            "objectType": "Activity",
            "id": f"{base_url()}/xapi/{kind}/{page_id}",
            "definition": {"type": ACTIVITY + kind},
        }
    return {
        "objectType": "Activity",
        "id": page_url(page) or f"{base_url()}{page.url_path}",
        "definition": {
            "type": ACTIVITY + kind,
            "name": {page.locale.language_code: page.title},
        },
    }


def _key_activity(kind: str, key: Any, title: str = "") -> dict[str, Any]:
    definition: dict[str, Any] = {"type": ACTIVITY + kind}
    if title:
        definition["name"] = {"und": title}
    return {
        "objectType": "Activity",
        "id": f"{base_url()}/xapi/{kind}/{key}",
        "definition": definition,
    }


def _verb(name: str) -> dict[str, Any]:
    return {"id": ADL + name, "display": {"en-US": name}}


def build_statement(row: XapiStatement) -> dict[str, Any]:
    """The statement of a queued event, from its payload and the pages as they
    are now (their addresses are the activity ids)."""
    data = row.payload["data"]
    verb = XAPI_EVENTS[row.event]
    course = _page_activity(data.get("course"), "course")
    statement: dict[str, Any] = {
        "id": str(row.statement_id),
        "actor": actor(data["user"]),
        "timestamp": row.payload["occurred_at"],
        "context": {
            "registration": str(
                uuid.uuid5(STATEMENT_NAMESPACE, f"enrolment:{data['enrolment']}")
            ),
            "platform": "wagtail-stem-lms",
        },
    }
    if row.event == Event.LESSON_COMPLETED:
        target = _page_activity(data["lesson"], "lesson")
    elif row.event == Event.QUIZ_GRADED:
        target = _key_activity(
            "assessment", data["quiz_key"], data.get("quiz_title", "")
        )
        verb = "passed" if data["passed"] else "failed"
        max_score = data.get("max_score") or 0
        statement["result"] = {
            "success": bool(data["passed"]),
            "completion": True,
            "score": {
                "raw": data.get("score") or 0,
                "min": 0,
                "max": max_score,
                "scaled": round((data.get("score") or 0) / max_score, 4)
                if max_score
                else 0,
            },
        }
    elif row.event == Event.ACTIVITY_RESULT:
        target = _key_activity(
            "lesson", f"package-{data['activity']}", data["activity_title"]
        )
        if data["success"] in ("passed", "failed"):
            verb = data["success"]
        statement["result"] = {"completion": data["completion"] == "completed"}
        if data["success"] in ("passed", "failed"):
            statement["result"]["success"] = data["success"] == "passed"
        if data.get("score") is not None:
            statement["result"]["score"] = {
                "scaled": round(float(data["score"]) / 100, 4)
            }
    elif row.event == Event.SESSION_ATTENDED:
        target = _key_activity(
            "meeting", data["session"], data.get("session_title", "")
        )
    else:
        target = course
        if row.event == Event.COURSE_COMPLETED:
            statement["result"] = {"completion": True}
    if target is not course:
        statement["context"]["contextActivities"] = {"parent": [course]}
    statement["verb"] = _verb(verb)
    statement["object"] = target
    return statement


@dataclass(frozen=True)
class LrsAnswer:
    delivered: bool
    status_code: int | None = None
    error: str = ""


def _request(
    client: httpx.Client, method: str, url: str, **kwargs: Any
) -> httpx.Response | str:
    try:
        return client.request(
            method,
            url,
            auth=(
                lms_setting("LMS_XAPI_USERNAME") or "",
                lms_setting("LMS_XAPI_PASSWORD") or "",
            ),
            headers={"X-Experience-API-Version": XAPI_VERSION},
            **kwargs,
        )
    except httpx.HTTPError as error:
        return f"{type(error).__name__}: {error}"[:500]


def send_statements(
    client: httpx.Client, statements: list[dict[str, Any]]
) -> list[LrsAnswer]:
    """POST the statements as one batch; if the LRS refuses the batch as a
    conflict (some were stored before), PUT each by its id. An LRS answers a
    statement it already has with 204 or 409: either way it is delivered."""
    url = lms_setting("LMS_XAPI_ENDPOINT").rstrip("/") + "/statements"
    answer = _request(client, "POST", url, json=statements)
    if isinstance(answer, str):
        return [LrsAnswer(False, error=answer)] * len(statements)
    if answer.is_success:
        return [LrsAnswer(True, answer.status_code)] * len(statements)
    if answer.status_code != httpx.codes.CONFLICT:
        error = answer.text[:200]
        return [LrsAnswer(False, answer.status_code, error)] * len(statements)
    answers = []
    for statement in statements:
        one = _request(
            client, "PUT", url, params={"statementId": statement["id"]}, json=statement
        )
        if isinstance(one, str):
            answers.append(LrsAnswer(False, error=one))
        else:
            answers.append(
                LrsAnswer(
                    one.is_success or one.status_code == httpx.codes.CONFLICT,
                    one.status_code,
                    "" if one.is_success else one.text[:200],
                )
            )
    return answers
