"""Deep linking: a teacher adding our tool on the platform picks a course or a
module, and the platform receives a signed ``ltiResourceLink`` that it accepts
(checked by lti1p3platform as Moodle would) with a line item for the grade
column. Learners, expired choices and unknown courses change nothing."""

from __future__ import annotations

import html
import json
import re

import jwt
import pytest
from django.core.cache import cache
from lti1p3platform.deep_linking import LtiDeepLinking
from wagtail.models import Locale

from courses.enrolment.models import Enrolment
from courses.lti.keys import current_tool_key, public_jwks
from courses.lti.models import LtiGradeLink, LtiIdentity, LtiResourceLink
from tests.factories import make_course, make_module, publish
from tests.lti.platform import (
    CLIENT_ID,
    INSTRUCTOR,
    ISSUER,
    LEARNER,
    key_pair,
    launch_form,
    platform_for,
)

pytestmark = pytest.mark.django_db

RETURN_URL = f"{ISSUER}/mod/lti/contentitem_return.php?course=2&id=1"
CONTENT_DEVELOPER = "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"


@pytest.fixture(autouse=True)
def tool_key(settings):
    settings.LMS_LTI_TOOL_KEY = key_pair()[0]


@pytest.fixture
def catalogue():
    course = make_course(title="Digitālās prasmes", slug="digitalas-prasmes")
    modules = [
        make_module(course, title="Drošība tīmeklī", slug="drosiba"),
        make_module(course, title="Izklājlapas", slug="izklajlapas"),
    ]
    other = make_course(title="STEM mācības")
    return course, modules, other


def deep_linking_launch(client, registration, platform, roles=None, **settings):
    """The platform's ``LtiDeepLinkingRequest``, as Moodle sends it when a teacher
    clicks "Select content"; returns our answer to its form."""
    claim = LtiDeepLinking(RETURN_URL).get_lti_deep_linking_launch_claim(
        title="Add an activity",
        accept_types={"ltiResourceLink"},
        extra_data="moodle-opaque-42",
    )
    claim[next(iter(claim))].update(settings)
    form = launch_form(
        client,
        platform,
        roles=roles or [INSTRUCTOR],
        claims={
            "https://purl.imsglobal.org/spec/lti/claim/message_type": (
                "LtiDeepLinkingRequest"
            ),
            **claim,
        },
    )
    return client.post("/lti/launch/", form)


def returned_form(response) -> tuple[str, str]:
    """The action and ``JWT`` of the form that goes back to the platform."""
    page = response.content.decode()
    action = re.search(r'<form id="lti-deep-link-return"[^>]*action="([^"]+)"', page)
    token = re.search(r'name="JWT" value="([^"]+)"', page)
    return html.unescape(action.group(1)), token.group(1)


def test_teacher_picks_a_module_and_the_platform_accepts_the_link(
    client, registration, platform_keys, catalogue
):
    course, modules, other = catalogue
    platform = platform_for(registration, platform_keys)

    response = deep_linking_launch(client, registration, platform)

    assert response.status_code == 302
    assert response.url.startswith("/lti/deep-link/lti1p3-launch-")
    teacher = LtiIdentity.objects.get().user
    assert client.session["_auth_user_id"] == str(teacher.pk)
    assert not Enrolment.objects.exists()
    assert not LtiResourceLink.objects.exists()

    picker = client.get(response.url)
    page = picker.content.decode()
    assert picker.status_code == 200
    assert "Izvēlieties, ko atver saite" in page
    assert "Pievienot kursu" in page and "Pievienot moduli" in page
    for title in ("Digitālās prasmes", "Drošība tīmeklī", "Izklājlapas", other.title):
        assert title in page
    assert page.index("Drošība tīmeklī") < page.index("Izklājlapas")
    assert "csrfmiddlewaretoken" in page
    assert "no-store" in picker.headers["Cache-Control"]
    policy = picker.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {ISSUER}" in policy
    assert "X-Frame-Options" not in picker.headers

    answer = client.post(response.url, {"course": course.pk, "module": modules[1].pk})

    assert answer.status_code == 200
    assert "Saite tiek pievienota" in answer.content.decode()
    assert f"form-action 'self' {ISSUER}" in answer.headers["Content-Security-Policy"]
    action, token = returned_form(answer)
    assert action == RETURN_URL
    # Moodle's check: signed by the key our JWKS publishes, a deep-linking
    # response, content items of a type it accepts.
    platform.get_registration().set_tool_key_set(public_jwks())
    platform.set_accepted_deeplinking_types(["ltiResourceLink"])
    (item,) = platform.validate_deeplinking_resp({"JWT": token})
    assert item == {
        "type": "ltiResourceLink",
        "title": "Izklājlapas",
        "url": "http://testserver/lti/launch/",
        "custom": {"course": "digitalas-prasmes", "module": "izklajlapas"},
        "lineItem": {"scoreMaximum": 100, "label": "Izklājlapas", "tag": "module"},
    }
    public_key = jwt.algorithms.RSAAlgorithm.from_jwk(
        json.dumps(current_tool_key().public_jwk)
    )
    claims = jwt.decode(token, public_key, algorithms=["RS256"], audience=ISSUER)
    assert jwt.get_unverified_header(token)["kid"] == current_tool_key().kid
    assert claims["iss"] == CLIENT_ID
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == "1"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == (
        "moodle-opaque-42"
    )
    assert not Enrolment.objects.exists()
    assert not LtiGradeLink.objects.exists()


def test_a_whole_course_gets_its_slug_and_a_course_column(
    client, registration, platform_keys, catalogue
):
    course, _modules, _other = catalogue
    platform = platform_for(registration, platform_keys)
    picker_url = deep_linking_launch(
        client, registration, platform, roles=[CONTENT_DEVELOPER]
    ).url

    answer = client.post(picker_url, {"course": course.pk, "module": ""})

    _action, token = returned_form(answer)
    platform.get_registration().set_tool_key_set(public_jwks())
    (item,) = platform.validate_deeplinking_resp({"JWT": token})
    assert item["title"] == "Digitālās prasmes"
    assert item["custom"] == {"course": "digitalas-prasmes"}
    assert item["lineItem"]["tag"] == "course"


def test_a_platform_that_takes_no_line_items_gets_none(
    client, registration, platform_keys, catalogue
):
    course, _modules, _other = catalogue
    platform = platform_for(registration, platform_keys)
    picker_url = deep_linking_launch(
        client, registration, platform, accept_lineitem=False
    ).url

    _action, token = returned_form(client.post(picker_url, {"course": course.pk}))

    platform.get_registration().set_tool_key_set(public_jwks())
    (item,) = platform.validate_deeplinking_resp({"JWT": token})
    assert "lineItem" not in item


def test_the_picker_speaks_the_teachers_language(
    client, registration, platform_keys, catalogue
):
    course, modules, _other = catalogue
    english = course.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0], copy_parents=True
    )
    english.title = "Digital skills"
    publish(english)
    module = modules[0].copy_for_translation(english.locale)
    module.title = "Staying safe online"
    publish(module)
    picker_url = deep_linking_launch(
        client, registration, platform_for(registration, platform_keys)
    ).url

    page = client.get(picker_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Choose what the link opens" in page
    assert "Digital skills" in page and "Staying safe online" in page
    assert "Digitālās prasmes" not in page
    # The other module has no English version yet: offered in Latvian.
    assert "Izklājlapas" not in page
    latvian = client.get(picker_url).content.decode()
    assert "Digitālās prasmes" in latvian and "Digital skills" not in latvian


def test_a_learners_deep_linking_launch_is_refused(
    client, registration, platform_keys, catalogue
):
    response = deep_linking_launch(
        client, registration, platform_for(registration, platform_keys), [LEARNER]
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert "Saiti neizdevās pievienot" in page
    assert "Ko atver saite, izvēlas tikai kursa skolotāji" in page
    assert not LtiIdentity.objects.exists()
    assert "_auth_user_id" not in client.session


def test_an_expired_choice_sends_nothing(
    client, registration, platform_keys, catalogue
):
    course, _modules, _other = catalogue
    picker_url = deep_linking_launch(
        client, registration, platform_for(registration, platform_keys)
    ).url
    cache.delete(picker_url.rstrip("/").rsplit("/", 1)[1])

    response = client.post(picker_url, {"course": course.pk})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Šī izvēle vairs nav spēkā" in page
    assert 'name="JWT"' not in page
    # Still shown in the platform's frame.
    assert (
        f"frame-ancestors 'self' {ISSUER}"
        in response.headers["Content-Security-Policy"]
    )


@pytest.mark.parametrize("choice", ["unknown", "foreign module", "draft"])
def test_an_unknown_course_sends_nothing(
    client, registration, platform_keys, catalogue, choice
):
    course, modules, other = catalogue
    picker_url = deep_linking_launch(
        client, registration, platform_for(registration, platform_keys)
    ).url
    data = {
        "unknown": {"course": "999999"},
        "foreign module": {"course": other.pk, "module": modules[0].pk},
        "draft": {"course": course.pk},
    }[choice]
    if choice == "draft":
        course.unpublish()

    response = client.post(picker_url, data)

    assert response.status_code == 404
    page = response.content.decode()
    assert "Izvēlētais kurss šeit nav pieejams" in page
    assert 'name="JWT"' not in page


def test_the_choice_belongs_to_the_teacher_who_launched(
    client, registration, platform_keys, catalogue, django_user_model
):
    course, _modules, _other = catalogue
    picker_url = deep_linking_launch(
        client, registration, platform_for(registration, platform_keys)
    ).url
    client.logout()
    client.force_login(django_user_model.objects.create_user("someone-else"))

    response = client.post(picker_url, {"course": course.pk})

    assert response.status_code == 403
    assert 'name="JWT"' not in response.content.decode()
    assert client.get(picker_url).status_code == 403
