"""The tool inside the platform's iframe: only registered platforms may frame
the pages, the login checks that the browser keeps cookies there, and a launch
whose cookie the browser dropped says how to go on."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.catalogue.content_cache import content_changed
from courses.lti.models import LtiIdentity, LtiRegistration
from courses.lti.platforms import origin_of
from tests.factories import make_course, make_user
from tests.lti.platform import (
    CLIENT_ID,
    ISSUER,
    PlatformLogin,
    launch_form,
    platform_for,
)

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, str]:
    """The CSP header as directive → sources."""
    return dict(
        [*part.strip().split(" ", 1), ""][:2]
        for part in response["Content-Security-Policy"].split(";")
    )


def other_registration(**fields) -> LtiRegistration:
    return LtiRegistration.objects.create(
        **{
            "name": "Canvas",
            "issuer": "https://canvas.instructure.com",
            "client_id": "10000000000001",
            "auth_login_url": "https://sso.canvaslms.com/api/lti/authorize_redirect",
            "auth_token_url": "https://sso.canvaslms.com/login/oauth2/token",
            "keyset_url": "https://sso.canvaslms.com/api/lti/security/jwks",
        }
        | fields
    )


def test_registered_platforms_may_frame_the_learner_pages(client, registration):
    other_registration()
    other_registration(
        name="Retired Moodle",
        issuer="https://old-moodle.example.org",
        client_id="old",
        auth_login_url="https://old-moodle.example.org/mod/lti/auth.php",
        is_active=False,
    )
    course = make_course()

    response = client.get(course.url)

    assert response.status_code == 200
    assert policy(response)["frame-ancestors"] == (
        "'self' https://canvas.instructure.com https://moodle.example.edu "
        "https://sso.canvaslms.com"
    )
    assert "old-moodle" not in response["Content-Security-Policy"]
    # X-Frame-Options cannot name the platforms; frame-ancestors rules instead.
    assert "X-Frame-Options" not in response


def test_without_registrations_only_the_site_frames_its_pages(client):
    content_changed()
    course = make_course()

    response = client.get(course.url)

    assert policy(response)["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("registered", [False, True])
def test_the_origins_cost_no_query_once_cached(client, registered, request):
    if registered:
        request.getfixturevalue("registration")
    content_changed()
    course = make_course()
    client.get(course.url)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(course.url)

    assert response.status_code == 200
    assert not [q for q in queries if "ltiregistration" in q["sql"].lower()]
    assert ("moodle.example.edu" in response["Content-Security-Policy"]) is registered


def test_a_changed_registration_changes_who_may_frame(client, registration):
    course = make_course()
    assert ISSUER in client.get(course.url)["Content-Security-Policy"]

    registration.is_active = False
    registration.save()
    response = client.get(course.url)

    assert policy(response)["frame-ancestors"] == "'self'"
    assert response["X-Frame-Options"] == "DENY"


def test_the_admin_is_never_framed(client, registration):
    client.force_login(make_user(is_superuser=True, is_staff=True))

    response = client.get("/admin/")

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" not in response


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Moodle.Example.edu/", "https://moodle.example.edu"),
        (
            "https://moodle.example.edu:443/mod/lti/auth.php",
            "https://moodle.example.edu",
        ),
        ("https://lms.example.edu:8443/auth", "https://lms.example.edu:8443"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
        ("moodle-issuer-7", None),
        ("https://moodle.example.edu;script-src *", None),
        ("https://moodle.example.edu:99999/", None),
        ("javascript:alert(1)", None),
    ],
)
def test_only_well_formed_origins_reach_the_header(url, origin):
    assert origin_of(url) == origin


def login_url(registration, platform_keys) -> str:
    login = PlatformLogin(None, platform_for(registration, platform_keys))
    login.set_lti_message_hint(hint="resource-link-42")
    return login.initiate_login("moodle-user-7").url


def test_login_first_checks_that_the_browser_keeps_cookies(
    client, registration, platform_keys
):
    response = client.get(
        login_url(registration, platform_keys), HTTP_ACCEPT_LANGUAGE="lv"
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Jūsu pārlūkprogramma platformas lapā neļauj šim kursam saglabāt jūsu "
        "pieteikšanos." in page
    )
    assert "Atvērt kursu jaunā logā" in page
    assert "Ielādē…" in page
    assert "Atsevišķā logā kurss darbojas kā parasti" in page
    # pylti1p3's script, allowed by the request's nonce and nothing else inline.
    nonce = re.search(r'<script nonce="([^"]+)">', page)[1]
    assert f"'nonce-{nonce}'" in policy(response)["script-src"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert '"lti1p3_new_window": "1"' in page
    assert f'"client_id": "{CLIENT_ID}"' in page
    # Inside Moodle's iframe.
    assert ISSUER in policy(response)["frame-ancestors"]
    assert "X-Frame-Options" not in response
    # Nothing was started yet: no state for a launch.
    assert not [name for name in response.cookies if name.startswith("lti1p3-")]


def test_launch_without_its_state_cookie_offers_a_new_window(
    client, registration, platform_keys
):
    form = launch_form(client, platform_for(registration, platform_keys))
    state_cookies = [name for name in client.cookies if name.startswith("lti1p3-")]
    assert state_cookies == [f"lti1p3-{form['state']}"]
    del client.cookies[state_cookies[0]]

    response = client.post("/lti/launch/", form, HTTP_ACCEPT_LANGUAGE="lv")

    assert response.status_code == 400
    page = response.content.decode()
    assert "Jūsu pārlūkprogramma bloķēja šīs vietnes sīkdatnes" in page
    assert "Atveriet kursu jaunā logā" in page
    assert "Nekas netika mainīts." in page
    button = re.search(
        r'<a class="button button--primary" href="([^"]+)" target="_blank" '
        r'rel="noopener">Atvērt kursu jaunā logā</a>',
        page,
    )
    reopen = urlsplit(button[1].replace("&amp;", "&"))
    assert reopen.path == f"/lti/{registration.uuid}/login/"
    params = {key: value[0] for key, value in parse_qs(reopen.query).items()}
    assert params["lti1p3_new_window"] == "1"
    assert params["iss"] == ISSUER
    assert params["login_hint"] == "moodle-user-7"
    assert params["lti_message_hint"] == "resource-link-42"
    assert not LtiIdentity.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_login_in_a_window_of_its_own_goes_straight_to_the_platform(
    client, registration, platform_keys
):
    """The browser says the login is a top-level page: its cookies are
    first-party, so there is nothing to check."""
    response = client.get(
        login_url(registration, platform_keys), HTTP_SEC_FETCH_DEST="document"
    )

    assert response.status_code == 302
    assert response.url.startswith(f"{ISSUER}/mod/lti/auth.php?")
    assert [name for name in response.cookies if name.startswith("lti1p3-state")]


def test_a_login_inside_a_frame_is_checked(client, registration, platform_keys):
    response = client.get(
        login_url(registration, platform_keys), HTTP_SEC_FETCH_DEST="iframe"
    )

    assert response.status_code == 200
    assert '"lti1p3_new_window": "1"' in response.content.decode()


def test_the_new_window_starts_the_login_without_the_check(
    client, registration, platform_keys
):
    form = launch_form(client, platform_for(registration, platform_keys))
    client.cookies.clear()
    page = client.post("/lti/launch/", form).content.decode()
    reopen = re.search(r'href="(http://testserver/lti/[^"]+)"', page)[1]

    response = client.get(reopen.replace("&amp;", "&"))

    assert response.status_code == 302
    assert response.url.startswith(f"{ISSUER}/mod/lti/auth.php?")


def test_a_launch_with_a_state_we_never_issued_is_refused_as_before(
    client, registration, platform_keys
):
    form = launch_form(client, platform_for(registration, platform_keys))
    client.cookies.clear()

    response = client.post(
        "/lti/launch/", form | {"state": "state-forged"}, HTTP_ACCEPT_LANGUAGE="lv"
    )

    assert response.status_code == 400
    assert "Šo palaišanu neizdevās pārbaudīt" in response.content.decode()
    assert not LtiIdentity.objects.exists()


def test_a_secure_launch_without_its_session_cookie_is_refused_not_a_500(
    client, registration, platform_keys
):
    """On https pylti1p3 also wants its session cookie, and refuses while
    building the launch."""
    form = launch_form(client, platform_for(registration, platform_keys))

    response = client.post("/lti/launch/", form, secure=True)

    assert response.status_code == 400
    assert not LtiIdentity.objects.exists()
