"""The tool's public keys and the configuration a platform's administrator
pastes: what a platform fetches, as JSON."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from joserfc.jwk import RSAKey

from courses.lti.keys import current_tool_key
from courses.lti.models import LtiRegistration, LtiToolKey
from tests.lti.platform import key_pair

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def tool_pem() -> str:
    return key_pair()[0]


def test_jwks_publishes_the_public_half_of_the_settings_key(client, settings, tool_pem):
    settings.LMS_LTI_TOOL_KEY = tool_pem
    response = client.get("/lti/jwks/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "max-age=3600" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    [jwk] = response.json()["keys"]
    expected = RSAKey.import_key(tool_pem)
    assert jwk["kid"] == expected.thumbprint()
    assert jwk["kty"] == "RSA" and jwk["alg"] == "RS256" and jwk["use"] == "sig"
    assert jwk["n"] == expected.as_dict()["n"]
    assert not {"d", "p", "q", "dp", "dq", "qi"} & jwk.keys()
    assert list(LtiToolKey.objects.values_list("kid", flat=True)) == [jwk["kid"]]


def test_after_a_rotation_the_old_key_stays_published_until_retired(
    client, settings, tool_pem
):
    settings.LMS_LTI_TOOL_KEY = tool_pem
    old_kid = client.get("/lti/jwks/").json()["keys"][0]["kid"]
    settings.LMS_LTI_TOOL_KEY = key_pair()[0]
    kids = [key["kid"] for key in client.get("/lti/jwks/").json()["keys"]]
    assert len(kids) == 2 and kids[1] == old_kid
    LtiToolKey.objects.filter(kid=old_kid).update(is_active=False)
    kids = [key["kid"] for key in client.get("/lti/jwks/").json()["keys"]]
    assert kids == [RSAKey.import_key(settings.LMS_LTI_TOOL_KEY).thumbprint()]


def test_without_a_key_the_jwks_is_empty(client, settings):
    settings.LMS_LTI_TOOL_KEY = None
    assert client.get("/lti/jwks/").json() == {"keys": []}


def test_configuration_lists_the_addresses_to_paste(client):
    registration = LtiRegistration.objects.create(
        name="DU Moodle",
        issuer="https://moodle.example.edu",
        client_id="abc",
        auth_login_url="https://moodle.example.edu/mod/lti/auth.php",
        auth_token_url="https://moodle.example.edu/mod/lti/token.php",
        keyset_url="https://moodle.example.edu/mod/lti/certs.php",
    )
    response = client.get(f"/lti/{registration.uuid}/config.json")
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "DU Moodle"
    assert data["lti_version"] == "1.3.0"
    assert data["target_link_uri"] == "http://testserver/lti/launch/"
    assert data["redirect_uris"] == ["http://testserver/lti/launch/"]
    assert data["deep_linking_url"] == "http://testserver/lti/launch/"
    assert data["oidc_initiation_url"] == (
        f"http://testserver/lti/{registration.uuid}/login/"
    )
    assert data["public_jwk_url"] == "http://testserver/lti/jwks/"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in data["scopes"]


def test_configuration_of_an_unknown_registration_is_not_found(client):
    response = client.get("/lti/00000000-0000-0000-0000-000000000000/config.json")
    assert response.status_code == 404


def test_create_lti_key_writes_a_key_the_tool_can_sign_with(tmp_path, settings):
    out = io.StringIO()
    call_command("create_lti_key", dir=str(tmp_path), stdout=out)
    path = tmp_path / "lti-tool-key.pem"
    pem = path.read_text()
    assert "LTI tool key written" in out.getvalue()
    assert path.stat().st_mode & 0o077 == 0
    settings.LMS_LTI_TOOL_KEY = pem
    assert current_tool_key().public_jwk["kty"] == "RSA"

    call_command("create_lti_key", dir=str(tmp_path), stdout=out)

    assert path.read_text() == pem
