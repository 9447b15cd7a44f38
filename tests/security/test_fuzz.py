"""Bad input never makes a server error and never changes anything: every URL of
the plugin, with hostile values in its path, its query string and (for the API)
its JSON body, as a learner and as an administrator."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.security.conftest import row_counts, site_routes

pytestmark = pytest.mark.django_db

#: What the probe of the running site sent, and their like.
HOSTILE = [
    "0",
    "-1",
    str(2**63),
    str(10**20),
    "²",
    "",
    "/",
    "x" * 300,
    "%FF%FE",
    "1e999999999",
    "a%2Fb",
    "%00",
]
QUERY_PARAMETERS = [
    "course",
    "cohort",
    "status",
    "ordering",
    "p",
    "page",
    "q",
    "code",
    "enrolled_from",
    "enrolled_to",
    "completed_from",
    "completed_to",
    "fmt",
    "next",
]
#: Wagtail's own admin and Django's own pages are Wagtail's and Django's to test;
#: the fuzz covers what the plugin adds.
PLUGIN_ROUTE = re.compile(
    r"^(courses|certificates|certificates_admin|reports|enrolments|enrol_csv|"
    r"submissions|api-v1|courses_deactivate_user|set_language|certificate_templates|"
    r"wagtailsnippets_courses_|wagtailsnippets_certificates_|"
    r"wagtailsnippetchoosers_courses_|wagtailsnippetchoosers_certificates_)"
)


def plugin_routes(role: str = "administrator"):
    """The plugin's routes a role reaches: a learner is turned away from the
    whole admin before any of its views reads a parameter."""
    return [
        route
        for route in site_routes()
        if PLUGIN_ROUTE.match(route.name)
        and (role == "administrator" or not route.route.startswith("admin/"))
    ]


def path_with(route, value: str) -> str:
    """The route's path with every parameter set to ``value`` (as typed in a
    browser's address bar)."""
    path = "/" + route.route
    path = re.sub(r"\(\?P<[a-z_0-9]+>[^)]*\)", value, path)
    path = re.sub(r"<(?:[a-z]+:)?[a-z_]+>", value, path)
    return path.replace("^", "").replace("$", "").replace("\\", "")


def requests_for(route, world):
    """(method, path, body) for every hostile variant of one route."""
    example = concrete_path(route, world)
    for value in HOSTILE:
        if route.params:
            yield "GET", path_with(route, value), None
            yield "POST", path_with(route, value), {"reason": "x"}
        query = "&".join(f"{name}={value}" for name in QUERY_PARAMETERS)
        yield "GET", f"{example}?{query}", None
        if route.name.startswith("api-v1:"):
            for body in (
                {"key": value, "code": value, "answers": {"q": value}, "text": value},
                value,
                [value],
            ):
                yield "POST", example, json.dumps(body)
            # Not UTF-8 at all.
            yield "POST", example, b'{"key": "\xff\xfe", "answers": {"\xc3": 1}}'
        else:
            form = dict.fromkeys(("key", "code", "text", "next", "reason"), value)
            yield "POST", example, form


def concrete_path(route, world) -> str:
    values = {**world.url_values(), "pk": 1}
    try:
        return reverse(
            route.name, kwargs={name: values.get(name, 1) for name in route.params}
        )
    except Exception:
        return path_with(route, "1")


@pytest.mark.parametrize("role", ["learner", "administrator"])
def test_hostile_input_never_errors_and_changes_nothing(world, role):
    """No URL of the plugin answers 5xx to hostile ids, codes, numbers or bytes,
    and what it refuses (4xx) changes no row. (A hostile-looking value can be
    valid input: "0" is a reason for revoking, an open course takes any key.)"""
    client = world.client(role, raise_request_exception=False)
    errors = []
    sent = 0
    routes = plugin_routes(role)
    for route in routes:
        for method, path, body in requests_for(route, world):
            sent += 1
            before = row_counts()
            if method == "GET":
                response = client.get(path)
            elif isinstance(body, str | bytes):
                response = client.post(path, body, content_type="application/json")
            else:
                response = client.post(path, body)
            if response.status_code >= 500:
                errors.append(f"{method} {path} → {response.status_code}")
            elif response.status_code >= 400 and row_counts() != before:
                errors.append(f"{method} {path} changed the database")
    assert errors == [], "\n".join(errors[:40])
    print(f"{role}: {sent} hostile requests to {len(routes)} routes")
