"""A platform (lti1p3platform, acting as Moodle) launches the tool: the OIDC
login, the signed ``id_token`` and the account it maps to."""

from __future__ import annotations

import time

import jwt
import pytest
from django.contrib.auth import get_user_model

from courses.lti.models import LtiDeployment, LtiIdentity
from tests.lti.platform import ISSUER, key_pair, launch_form, platform_for

pytestmark = pytest.mark.django_db


def test_launch_signs_the_platform_user_in_to_a_new_account(
    client, registration, platform_keys
):
    form = launch_form(client, platform_for(registration, platform_keys))

    response = client.post("/lti/launch/", form)

    assert response.status_code == 302
    identity = LtiIdentity.objects.get(issuer=ISSUER, subject="moodle-user-7")
    assert identity.user.email == "anna@example.edu"
    assert identity.user.first_name == "Anna"
    assert not identity.user.has_usable_password()
    assert client.session["_auth_user_id"] == str(identity.user.pk)


def test_second_launch_is_the_same_account(client, registration, platform_keys):
    platform = platform_for(registration, platform_keys)
    client.post("/lti/launch/", launch_form(client, platform))
    client.post("/lti/launch/", launch_form(client, platform))

    assert LtiIdentity.objects.count() == 1
    assert get_user_model().objects.filter(username__startswith="lti-").count() == 1


def test_replayed_id_token_is_refused(client, registration, platform_keys):
    form = launch_form(client, platform_for(registration, platform_keys))
    assert client.post("/lti/launch/", form).status_code == 302
    client.logout()

    response = client.post("/lti/launch/", form)

    assert response.status_code == 400
    assert "Šo palaišanu neizdevās pārbaudīt" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"client_id": "someone-else"}, id="wrong audience"),
        pytest.param({"deployment_id": "99"}, id="unknown deployment"),
        pytest.param({"private_key": key_pair()[0]}, id="signed with another key"),
    ],
)
def test_untrusted_launch_changes_nothing(
    client, registration, platform_keys, overrides
):
    form = launch_form(
        client,
        platform_for(registration, platform_keys),
        signer=platform_for(registration, platform_keys, **overrides),
    )

    response = client.post("/lti/launch/", form)

    assert response.status_code == 400
    assert "Šo palaišanu neizdevās pārbaudīt" in response.content.decode()
    assert not LtiIdentity.objects.exists()
    assert LtiDeployment.objects.count() == 1


def test_expired_id_token_is_refused(client, registration, platform_keys):
    form = launch_form(
        client, platform_for(registration, platform_keys), expires_in=-int(time.time())
    )

    response = client.post("/lti/launch/", form)

    assert response.status_code == 400
    assert not LtiIdentity.objects.exists()


@pytest.mark.parametrize(
    "claim",
    [
        "https://purl.imsglobal.org/spec/lti/claim/message_type",
        "https://purl.imsglobal.org/spec/lti/claim/version",
        "https://purl.imsglobal.org/spec/lti/claim/deployment_id",
        "https://purl.imsglobal.org/spec/lti/claim/resource_link",
        "https://purl.imsglobal.org/spec/lti/claim/roles",
        "sub",
    ],
)
def test_launch_missing_a_required_claim_changes_nothing(
    client, registration, platform_keys, claim
):
    platform = platform_for(registration, platform_keys)
    form = launch_form(client, platform)
    payload = jwt.decode(form["id_token"], options={"verify_signature": False})
    del payload[claim]
    form["id_token"] = platform.get_registration().platform_encode_and_sign(payload)

    response = client.post("/lti/launch/", form)

    assert response.status_code == 400
    assert "Šo palaišanu neizdevās pārbaudīt" in response.content.decode()
    assert not LtiIdentity.objects.exists()
    assert "_auth_user_id" not in client.session
