"""A platform (lti1p3platform, acting as Moodle) launches the tool: the OIDC
login, the signed ``id_token`` and the account it maps to."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from lti1p3platform.framework.django.message_launch import DjangoLTI1P3MessageLaunch
from lti1p3platform.framework.django.oidc_login import DjangoAPIOIDCLogin
from lti1p3platform.framework.django.request import DjangoRequest
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.registration import Registration
from pylti1p3.message_launch import MessageLaunch

from courses.lti.models import LtiDeployment, LtiIdentity, LtiRegistration

ISSUER = "https://moodle.example.edu"
CLIENT_ID = "tool-client-1"
DEPLOYMENT_ID = "1"
LAUNCH_URL = "http://testserver/lti/launch/"

pytestmark = pytest.mark.django_db


def _key_pair() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode()
    )
    return private, public


class Platform(LTI1P3PlatformConfAbstract):
    """Moodle's side of the registration, as its administrator filled it in."""

    def init_platform_config(self, **kwargs: Any) -> None:
        self.registration_data = kwargs

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        data = self.registration_data
        return (
            Registration()
            .set_iss(ISSUER)
            .set_client_id(data.get("client_id", CLIENT_ID))
            .set_deployment_id(data.get("deployment_id", DEPLOYMENT_ID))
            .set_launch_url(LAUNCH_URL)
            .set_oidc_login_url(data["login_url"])
            .set_platform_private_key(data["private_key"])
            .set_platform_public_key(data["public_key"])
        )


class PlatformLogin(DjangoAPIOIDCLogin):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]


@pytest.fixture(scope="module")
def platform_keys() -> tuple[str, str]:
    return _key_pair()


@pytest.fixture
def registration(platform_keys, monkeypatch) -> LtiRegistration:
    registration = LtiRegistration.objects.create(
        name="University Moodle",
        issuer=ISSUER,
        client_id=CLIENT_ID,
        auth_login_url=f"{ISSUER}/mod/lti/auth.php",
        auth_token_url=f"{ISSUER}/mod/lti/token.php",
        keyset_url=f"{ISSUER}/mod/lti/certs.php",
    )
    LtiDeployment.objects.create(registration=registration, deployment_id="1")
    # The platform's keyset URL, answered without a network.
    jwks = {
        "keys": Registration.get_jwks(
            Registration().set_platform_public_key(platform_keys[1])
        )
    }
    monkeypatch.setattr(MessageLaunch, "fetch_public_key", lambda self, url: jwks)
    return registration


def _platform(registration: LtiRegistration, keys, **overrides: Any) -> Platform:
    data = {
        "login_url": f"http://testserver/lti/{registration.uuid}/login/",
        "private_key": keys[0],
        "public_key": keys[1],
    }
    return Platform(**(data | overrides))


def _launch_form(
    client,
    platform: Platform,
    expires_in: int = 300,
    signer: Platform | None = None,
    custom: dict | None = None,
    claims: dict | None = None,
) -> dict:
    """The platform's OIDC login, our redirect to its auth URL, and the form
    its browser posts back: ``id_token`` and ``state``. A ``signer`` other than
    the platform writes claims the login did not agree to."""
    login = PlatformLogin(None, platform)
    login.set_lti_message_hint(hint="resource-link-42")
    to_tool = login.initiate_login("moodle-user-7").url
    response = client.get(to_tool)
    assert response.status_code == 302, response.content
    auth_request = urlparse(response.url)
    assert f"{auth_request.scheme}://{auth_request.netloc}" == ISSUER
    auth_params = {k: v[0] for k, v in parse_qs(auth_request.query).items()}
    assert auth_params["redirect_uri"] == LAUNCH_URL
    signer = signer or platform
    launch = DjangoLTI1P3MessageLaunch(
        DjangoRequest(RequestFactory().get("/auth", auth_params)), signer
    )
    launch._registration = signer.get_registration()
    if signer is platform:
        launch.validate_preflight_response(auth_params)
    launch.set_user_data(
        "moodle-user-7",
        ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
        full_name="Anna Bērziņa",
        email_address="anna@example.edu",
    )
    launch.set_extra_claims(
        {"given_name": "Anna", "family_name": "Bērziņa"} | (claims or {})
    )
    launch.set_resource_link_claim("resource-link-42", title="Digital skills")
    if custom:
        launch.set_custom_parameters_claim(custom)
    launch.id_token_expiration = expires_in
    return launch.generate_launch_request()


def test_launch_signs_the_platform_user_in_to_a_new_account(
    client, registration, platform_keys
):
    form = _launch_form(client, _platform(registration, platform_keys))

    response = client.post("/lti/launch/", form)

    assert response.status_code == 302
    identity = LtiIdentity.objects.get(issuer=ISSUER, subject="moodle-user-7")
    assert identity.user.email == "anna@example.edu"
    assert identity.user.first_name == "Anna"
    assert not identity.user.has_usable_password()
    assert client.session["_auth_user_id"] == str(identity.user.pk)


def test_second_launch_is_the_same_account(client, registration, platform_keys):
    platform = _platform(registration, platform_keys)
    client.post("/lti/launch/", _launch_form(client, platform))
    client.post("/lti/launch/", _launch_form(client, platform))

    assert LtiIdentity.objects.count() == 1
    assert get_user_model().objects.filter(username__startswith="lti-").count() == 1


def test_replayed_id_token_is_refused(client, registration, platform_keys):
    form = _launch_form(client, _platform(registration, platform_keys))
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
        pytest.param({"private_key": _key_pair()[0]}, id="signed with another key"),
    ],
)
def test_untrusted_launch_changes_nothing(
    client, registration, platform_keys, overrides
):
    form = _launch_form(
        client,
        _platform(registration, platform_keys),
        signer=_platform(registration, platform_keys, **overrides),
    )

    response = client.post("/lti/launch/", form)

    assert response.status_code == 400
    assert "Šo palaišanu neizdevās pārbaudīt" in response.content.decode()
    assert not LtiIdentity.objects.exists()
    assert LtiDeployment.objects.count() == 1


def test_expired_id_token_is_refused(client, registration, platform_keys):
    form = _launch_form(
        client, _platform(registration, platform_keys), expires_in=-int(time.time())
    )

    response = client.post("/lti/launch/", form)

    assert response.status_code == 400
    assert not LtiIdentity.objects.exists()
