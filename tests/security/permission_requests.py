"""How the permission matrix asks for a cell of its table: the URL of each route
with the world's records in it, what a state-changing request posts, and how a
response is read as one of the table's outcomes (see permission_table.py)."""

from __future__ import annotations

import json
import re

from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from certificates.delivery import ensure_pdf
from courses.api.site import api
from courses.lti.models import LtiRegistration, LtiResourceLink, LtiScorePassback
from courses.models import (
    Competence,
    CompetenceArea,
    Framework,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.courses.assessment_factories import quiz_form_data
from tests.security.conftest import site_routes
from tests.security.permission_table import EXPECTED, NOT_CHECKED
from tests.security.test_fuzz import path_with


def classify(response, method: str) -> str:
    status = response.status_code
    if status == 401:
        return "L"
    if status in (301, 302, 303):
        target = response["Location"]
        if "login" in target:
            return "L"
        if target.rstrip("/").endswith("/admin") or refused_with_message(response):
            return "N"
        return "Y"
    if status in (403, 404):
        return "N"
    if status == 405:
        return "M"
    if status in (400, 422) or (
        method == "POST" and status == 200 and is_form(response)
    ):
        return "F"
    if status < 300:
        return "Y"
    return f"?{status}"


def refused_with_message(response) -> bool:
    """A redirect that carries an error message: refused, and told why."""
    storage = getattr(response.wsgi_request, "_messages", None)
    return any(
        message.level >= messages.ERROR
        for message in getattr(storage, "_queued_messages", [])
    )


def is_form(response) -> bool:
    """An HTML page that shows a form again with its errors."""
    return response.get("Content-Type", "").startswith("text/html") and (
        b"w-field__errors-icon" in response.content
        or b'class="errorlist' in response.content
    )


def operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation in the API's OpenAPI schema."""
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method in methods
    ]


def pk_for(name: str, world) -> int:
    """The id of the world's record that a route of this name shows."""
    objects = {
        "cohort:delete": world.spare_cohort,
        "livesession:delete": world.spare_session,
        "cohort": world.cohort,
        "livesession": world.session,
        "quiz": world.quiz,
        "assignment": world.assignment,
        "activity": world.activity,
        "competence": Competence.objects.first(),
        "competencearea": CompetenceArea.objects.first(),
        "framework": Framework.objects.first(),
        "certificatetemplate": world.template,
        "coursecertificatesettings": world.course_settings,
        "submissions": world.submission,
        "submissions:moderate_comment": world.peer_review,
        "certificates_admin:bulk_job": world.bulk_job,
        "certificates_admin:bulk_job_status": world.bulk_job,
        "certificates_admin": world.certificate,
        "certificates:pd_record_delete": world.external_certificate,
        "certificates:pd_record_file": world.external_certificate,
        "certificates": world.certificate,
        "webhook_endpoints": WebhookEndpoint.objects.first(),
        "webhook_deliveries": WebhookDelivery.objects.first(),
        "lti_registrations:delete": LtiRegistration.objects.get(name="Spare Moodle"),
        "lti_registrations": LtiRegistration.objects.get(name="LU Moodle"),
        "lti_passbacks": LtiScorePassback.objects.first(),
        "lti:roster": LtiResourceLink.objects.first(),
    }
    namespace, _, action = name.partition(":")
    model = {"certificate_templates": "certificatetemplate"}.get(
        namespace, namespace.rsplit("_", 1)[-1] if "snippet" in namespace else namespace
    )
    return (objects.get(f"{model}:{action}") or objects[model]).pk


def url_for(name: str, world) -> str:
    values = {
        **world.url_values(),
        "revision_id": world.quiz_revision.pk,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "page_id": world.lesson.pk,
        "app_label": "courses",
        "model_name": "cohort",
        "action": "delete",
    }
    if name.startswith("lti:"):
        values["registration_uuid"] = LtiRegistration.objects.get(name="LU Moodle").uuid
        values["launch_id"] = "no-such-launch"
    if name == "courses:quiz_start":
        values["lesson_id"] = world.quiz_lesson.pk
    if name.startswith("certificate_templates:"):
        values["revision_id"] = world.template_revision.pk
    kwargs = {
        param: pk_for(name, world) if param == "pk" else values[param]
        for param in ROUTES[name].params
    }
    return reverse(name, kwargs=kwargs) + QUERIES.get(name, lambda w: "")(world)


#: Query strings a route needs to show anything.
QUERIES = {
    "certificates_admin:zip": lambda w: f"?course={w.course.pk}",
}


ROUTES = {route.name: route for route in site_routes()}


def _csv(world) -> dict:
    upload = SimpleUploadedFile(
        "learners.csv", b"email,first_name,last_name\nnew@example.com,Ieva,Liepa\n"
    )
    return {"course": world.course.pk, "file": upload}


def _endpoint_form() -> dict:
    # A literal public address: no name to resolve in a test.
    return {
        "name": "HR",
        "url": "https://93.184.215.14/lms",
        "events": ["lesson.completed"],
        "active": "on",
    }


def _registration_form(client_id: str) -> dict:
    return {
        "name": "LU Moodle",
        "issuer": "https://estudijas.lu.lv",
        "client_id": client_id,
        "auth_login_url": "https://estudijas.lu.lv/mod/lti/auth.php",
        "auth_token_url": "https://estudijas.lu.lv/mod/lti/token.php",
        "keyset_url": "https://estudijas.lu.lv/mod/lti/certs.php",
        "deployment_ids": "1",
    }


def _issued_pdf(world) -> bytes:
    return ensure_pdf(world.certificate).pdf.open("rb").read()


#: What a state-changing request posts, per route: a real form or body, so that
#: a refusal is a refusal of the person, not of the input.
POSTS = {
    "set_language": lambda w: {"language": "en", "next": "/"},
    "courses:enrol": lambda w: {"key": "STEM-DAUGAVPILS"},
    "courses:complete_lesson": lambda w: {},
    "courses:check_in": lambda w: {"code": "AB3CD4"},
    "courses:reset_calendar_feed": lambda w: {},
    "courses:quiz_start": lambda w: {},
    "courses:quiz_submit": lambda w: {},
    "courses:assignment": lambda w: {"text": "A lesson plan."},
    "courses_deactivate_user": lambda w: {"confirm": "on"},
    "courses_export_person": lambda w: {"reason": "Access request 2026/14"},
    "courses_erase_person": lambda w: {
        "reason": "Erasure request 2026/15",
        "confirm": w.users["learner"].email,
    },
    "webhook_endpoints:add": lambda w: _endpoint_form(),
    "webhook_endpoints:edit": lambda w: _endpoint_form(),
    "webhook_endpoints:delete": lambda w: {},
    "webhook_deliveries:send_again": lambda w: {},
    "lti_registrations:add": lambda w: _registration_form("tool-3"),
    "lti_registrations:edit": lambda w: _registration_form("tool-1"),
    "lti_registrations:delete": lambda w: {},
    "lti_passbacks:send_again": lambda w: {},
    "certificates_admin:issue": lambda w: {
        "course": w.course.pk,
        "email": w.users["learner"].email,
        "reason": "Register",
    },
    "certificates_admin:revoke": lambda w: {
        "reason": "Issued by mistake.",
        "category": "error",
    },
    "certificates_admin:reissue": lambda w: {"reason": "Name corrected."},
    "certificates_admin:bulk": lambda w: {"course": w.course.pk},
    "certificates_admin:zip_form": lambda w: {"course": w.course.pk},
    "enrol_csv:index": _csv,
    "certificates:pd_record": lambda w: {
        "title": "STEM metodika",
        "provider": "Daugavpils Universitāte",
        "hours": "8",
        "completed_on": "2026-01-15",
    },
    "certificates:pd_record_delete": lambda w: {},
    "certificates:verify_file": lambda w: {
        "file": SimpleUploadedFile("certificate.pdf", _issued_pdf(w))
    },
    "submissions:edit": lambda w: {"status": "accepted", "feedback": "Good."},
    "submissions:moderate_comment": lambda w: {"decision": "approved"},
    "courses:peer_comment": lambda w: {"comment": "The goals are clear."},
    "wagtailsnippets_courses_cohort:add": lambda w: {
        "course": w.course.pk,
        "name": "Valmiera",
    },
    "wagtailsnippets_courses_cohort:edit": lambda w: {
        "course": w.course.pk,
        "name": "Daugavpils 2",
    },
    # A cohort and a session no learner's record refers to (deleting those
    # that have some is refused for everyone: tests/security/test_scoping.py).
    "wagtailsnippets_courses_cohort:delete": lambda w: {},
    "wagtailsnippets_courses_livesession:delete": lambda w: {},
    "wagtailsnippets_courses_livesession:register": lambda w: {},
    "wagtailsnippets_courses_livesession:regenerate_code": lambda w: {},
    "wagtailsnippets_courses_quiz:delete": lambda w: {},
    "wagtailsnippetchoosers_courses_livesession:create": lambda w: {},
    "wagtailsnippetchoosers_courses_cohort:create": lambda w: {},
    "wagtailsnippetchoosers_courses_quiz:create": lambda w: quiz_form_data(
        True, "quiz-chooser-create"
    ),
    "POST /api/v1/courses/{course_id}/enrol": lambda w: {"key": "STEM-DAUGAVPILS"},
    "POST /api/v1/lessons/{lesson_id}/complete": lambda w: {},
    "POST /api/v1/sessions/{session_id}/check-in": lambda w: {"code": "AB3CD4"},
    "POST /api/v1/quizzes/{quiz_id}/attempts": lambda w: {},
    "POST /api/v1/attempts/{attempt_id}/submit": lambda w: {"answers": {}},
    "courses_api_tokens_add": lambda w: {
        "name": "Registry",
        "scope": "read",
        "days": "30",
    },
    "courses_api_tokens_revoke": lambda w: {},
    "POST /api/v1/staff/courses/{course_id}/enrolments": lambda w: {
        "email": "Ieva.Liepa@example.com",
        "first_name": "Ieva",
        "last_name": "Liepa",
    },
    "POST /api/v1/staff/enrolments/{enrolment_id}/withdraw": lambda w: {},
    "POST /api/v1/staff/enrolments/{enrolment_id}/certificate": lambda w: {
        "reason": "Register"
    },
    "POST /api/v1/staff/certificates/{serial}/reissue": lambda w: {
        "reason": "Name corrected."
    },
    "POST /api/v1/staff/certificates/{serial}/revoke": lambda w: {
        "reason": "Issued by mistake.",
        "category": "error",
    },
    "POST /api/v1/staff/courses/{course_id}/bulk-issues": lambda w: {},
}


def api_url(path: str, world) -> str:
    values = {
        "course_id": world.course.pk,
        "lesson_id": world.lesson.pk,
        "session_id": world.session.pk,
        "attempt_id": world.attempt.pk,
        "assignment_id": world.assignment.pk,
        "quiz_id": world.quiz.pk,
        "code": world.certificate.verification_code,
        "serial": world.certificate.serial,
        "enrolment_id": world.certificate.enrolment_id,
        "job_id": world.bulk_job.pk,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def cells() -> list[str]:
    """Every key the table must have a row for."""
    keys = []
    api_paths = {path for _, path in operations()}
    for name, route in ROUTES.items():
        if NOT_CHECKED.match(name):
            continue
        if (
            name.startswith("api-v1:")
            and "/" + route.route.replace("<", "{").replace(">", "}") in api_paths
        ):
            continue
        keys.append(f"{name} GET")
        if name in POSTS:
            keys.append(f"{name} POST")
    keys += [f"{method} {path}" for method, path in operations()]
    return keys


def request(world, role: str, key: str):
    return send(world.client(role, raise_request_exception=False), world, key)


def send(client, world, key: str):
    if key.startswith(("GET /", "POST /")):
        method, path = key.split(" ", 1)
        url = api_url(path, world)
        if method == "GET":
            return client.get(url)
        if "submissions" in path:
            return client.post(url, {"text": "A lesson plan."})
        body = POSTS[key](world)
        return client.post(url, json.dumps(body), content_type="application/json")
    name, method = key.rsplit(" ", 1)
    url = (
        url_for(name, world) if name in EXPECTED_NAMES else path_with(ROUTES[name], "1")
    )
    if method == "GET":
        return client.get(url)
    return client.post(url, POSTS[name](world))


def observe(world, role: str, key: str) -> str:
    # Each request in a savepoint that is rolled back: what one cell changes,
    # the next does not see.
    with transaction.atomic():
        outcome = classify(
            request(world, role, key),
            key.split(" ")[-1]
            if not key.startswith(("GET /", "POST /"))
            else key.split(" ")[0],
        )
        transaction.set_rollback(True)
    return outcome


EXPECTED_NAMES = {key.rsplit(" ", 1)[0] for key in EXPECTED}
