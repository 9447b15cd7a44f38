"""A platform (lti1p3platform, acting as Moodle) for the LTI tests: its keys, our
registration of it, and the form its browser posts to our launch URL."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import RequestFactory
from lti1p3platform.framework.django.message_launch import DjangoLTI1P3MessageLaunch
from lti1p3platform.framework.django.oidc_login import DjangoAPIOIDCLogin
from lti1p3platform.framework.django.request import DjangoRequest
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.registration import Registration

from courses.lti.models import LtiDeployment, LtiRegistration

ISSUER = "https://moodle.example.edu"
CLIENT_ID = "tool-client-1"
DEPLOYMENT_ID = "1"
LAUNCH_URL = "http://testserver/lti/launch/"

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def key_pair() -> tuple[str, str]:
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
            .set_iss(data.get("issuer", ISSUER))
            .set_client_id(data.get("client_id", CLIENT_ID))
            .set_deployment_id(data.get("deployment_id", DEPLOYMENT_ID))
            .set_launch_url(data.get("launch_url", LAUNCH_URL))
            .set_oidc_login_url(data["login_url"])
            .set_platform_private_key(data["private_key"])
            .set_platform_public_key(data["public_key"])
        )


class PlatformLogin(DjangoAPIOIDCLogin):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]


@pytest.fixture(scope="module")
def platform_keys() -> tuple[str, str]:
    return key_pair()


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
    serve_platform_keys(monkeypatch, platform_keys[1])
    return registration


def serve_platform_keys(monkeypatch, *public_keys: str) -> list[str]:
    """The platform's keyset URL answers with these public keys, without a
    network; returns the list of URLs fetched (pylti1p3 fetches with requests)."""
    jwks = {
        "keys": [
            key
            for public_key in public_keys
            for key in Registration.get_jwks(
                Registration().set_platform_public_key(public_key)
            )
        ]
    }
    fetched: list[str] = []

    def get(session, url, *args, **kwargs):
        fetched.append(url)
        response = requests.Response()
        response.status_code = 200
        response._content = json.dumps(jwks).encode()
        return response

    monkeypatch.setattr(requests.Session, "get", get)
    return fetched


def platform_for(registration: LtiRegistration, keys, **overrides: Any) -> Platform:
    data = {
        "login_url": f"http://testserver/lti/{registration.uuid}/login/",
        "private_key": keys[0],
        "public_key": keys[1],
    }
    return Platform(**(data | overrides))


def login_redirect(client, platform: Platform, user_id: str) -> dict[str, str]:
    """The platform's OIDC login initiation, and the parameters of our redirect
    to its auth URL (``state``, ``nonce``, ``redirect_uri``…)."""
    login = PlatformLogin(None, platform)
    login.set_lti_message_hint(hint="resource-link-42")
    # As the login's cookie check (courses/lti/cookies.py) reloads it once the
    # browser keeps cookies.
    response = client.get(login.initiate_login(user_id).url + "&lti1p3_new_window=1")
    assert response.status_code == 302, response.content
    auth_request = urlparse(response.url)
    assert f"{auth_request.scheme}://{auth_request.netloc}" == ISSUER
    auth_params = {k: v[0] for k, v in parse_qs(auth_request.query).items()}
    assert auth_params["redirect_uri"] == LAUNCH_URL
    return auth_params


def launch_form(
    client, platform: Platform, user_id: str = "moodle-user-7", **options: Any
) -> dict:
    """The platform's OIDC login, our redirect to its auth URL, and the form
    its browser posts back: ``id_token`` and ``state``; ``options`` as for
    :func:`signed_launch`."""
    return signed_launch(
        platform, login_redirect(client, platform, user_id), user_id=user_id, **options
    )


def signed_launch(
    platform: Platform,
    auth_params: dict[str, str],
    expires_in: int = 300,
    signer: Platform | None = None,
    custom: dict | None = None,
    claims: dict | None = None,
    user_id: str = "moodle-user-7",
    roles: list[str] | None = None,
    email: str = "anna@example.edu",
    given_name: str = "Anna",
    family_name: str = "Bērziņa",
) -> dict:
    """The platform's answer to our auth redirect: the ``id_token`` and ``state``
    its browser posts to our launch URL. A ``signer`` other than the platform
    writes claims the login did not agree to."""
    signer = signer or platform
    launch = DjangoLTI1P3MessageLaunch(
        DjangoRequest(RequestFactory().get("/auth", auth_params)), signer
    )
    launch._registration = signer.get_registration()
    if signer is platform:
        launch.validate_preflight_response(auth_params)
    launch.set_user_data(
        user_id,
        roles or [LEARNER],
        full_name=f"{given_name} {family_name}",
        email_address=email,
    )
    launch.set_extra_claims(
        {"given_name": given_name, "family_name": family_name} | (claims or {})
    )
    launch.set_resource_link_claim("resource-link-42", title="Digital skills")
    if custom:
        launch.set_custom_parameters_claim(custom)
    launch.id_token_expiration = expires_in
    return launch.generate_launch_request()
