"""The platform's public keys are fetched once and kept; a key the platform
rotates in is fetched when a launch first uses it."""

from __future__ import annotations

import pytest

from courses.lti.models import LtiIdentity
from tests.lti.platform import key_pair, launch_form, platform_for, serve_platform_keys

pytestmark = pytest.mark.django_db


def test_keys_are_fetched_once_for_many_launches(
    client, registration, platform_keys, monkeypatch
):
    fetched = serve_platform_keys(monkeypatch, platform_keys[1])
    platform = platform_for(registration, platform_keys)

    for user_id in ("u-1", "u-2", "u-3"):
        form = launch_form(client, platform, user_id=user_id)
        assert client.post("/lti/launch/", form).status_code == 302

    assert fetched == [registration.keyset_url]
    assert LtiIdentity.objects.count() == 3


def test_a_rotated_platform_key_works_at_once(
    client, registration, platform_keys, monkeypatch
):
    old = platform_for(registration, platform_keys)
    client.post("/lti/launch/", launch_form(client, old, user_id="u-1"))
    new_keys = key_pair()
    fetched = serve_platform_keys(monkeypatch, platform_keys[1], new_keys[1])

    response = client.post(
        "/lti/launch/",
        launch_form(client, platform_for(registration, new_keys), user_id="u-2"),
    )

    assert response.status_code == 302
    assert fetched == [registration.keyset_url]
    # The new set is kept: the next launch with the new key fetches nothing.
    client.post(
        "/lti/launch/",
        launch_form(client, platform_for(registration, new_keys), user_id="u-3"),
    )
    assert fetched == [registration.keyset_url]
    assert LtiIdentity.objects.count() == 3


def test_a_key_the_platform_does_not_publish_is_refused(
    client, registration, platform_keys, monkeypatch
):
    stranger = platform_for(registration, platform_keys, private_key=key_pair()[0])
    fetched = serve_platform_keys(monkeypatch, platform_keys[1])

    response = client.post(
        "/lti/launch/",
        launch_form(client, platform_for(registration, platform_keys), signer=stranger),
    )

    assert response.status_code == 400
    assert fetched == [registration.keyset_url] * 2
    assert not LtiIdentity.objects.exists()
