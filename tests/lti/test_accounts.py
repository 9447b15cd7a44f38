"""A first launch from a platform whose e-mails are trusted signs in to the one
existing account that confirmed the address; otherwise, or for an account
that may enter the admin, it makes a new account that does not copy the
address."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from courses.lti.models import LtiIdentity
from tests.factories import make_cohort, make_course, make_tutor, make_user
from tests.lti.platform import ISSUER, launch_form, platform_for

pytestmark = pytest.mark.django_db

ADDRESS = "anna@example.edu"


@pytest.fixture
def trusted(registration):
    registration.trust_emails = True
    registration.save()
    return registration


def launch(client, registration, platform_keys, **kwargs):
    form = launch_form(client, platform_for(registration, platform_keys), **kwargs)
    response = client.post("/lti/launch/", form)
    assert response.status_code == 302, response.content
    return response


def signed_in(client) -> int:
    return int(client.session["_auth_user_id"])


def new_account():
    """The account the launch made (an ``lti-`` user name), or None."""
    return get_user_model().objects.filter(username__startswith="lti-").first()


def test_a_trusted_address_signs_in_to_the_existing_account(
    client, trusted, platform_keys
):
    person = make_user(email=ADDRESS, first_name="Anna")

    launch(client, trusted, platform_keys)

    identity = LtiIdentity.objects.get(issuer=ISSUER, subject="moodle-user-7")
    assert identity.user == person
    assert identity.registration == trusted
    assert new_account() is None
    assert signed_in(client) == person.pk
    person.refresh_from_db()
    assert person.has_usable_password()


def test_the_next_launch_keeps_the_linked_account(client, trusted, platform_keys):
    person = make_user(email=ADDRESS)
    launch(client, trusted, platform_keys)
    client.logout()

    launch(client, trusted, platform_keys, email="changed@example.edu")

    assert signed_in(client) == person.pk
    assert LtiIdentity.objects.count() == 1


def test_a_confirmed_second_address_is_matched_too(client, trusted, platform_keys):
    person = make_user(email="anna.private@example.lv")
    EmailAddress.objects.create(user=person, email=ADDRESS, verified=True)

    launch(client, trusted, platform_keys, email="Anna@Example.edu")

    assert signed_in(client) == person.pk


def test_an_untrusted_platform_makes_a_new_account_without_the_address(
    client, registration, platform_keys
):
    person = make_user(email=ADDRESS)

    launch(client, registration, platform_keys)

    account = new_account()
    assert signed_in(client) == account.pk != person.pk
    assert account.email == ""
    assert LtiIdentity.objects.get().user == account


def test_an_unconfirmed_address_is_not_trusted(client, trusted, platform_keys):
    person = make_user(email=ADDRESS, email_confirmed=False)
    EmailAddress.objects.create(user=person, email=ADDRESS, verified=False)

    launch(client, trusted, platform_keys)

    assert signed_in(client) == new_account().pk != person.pk
    assert new_account().email == ""


def test_an_address_two_accounts_have_is_not_trusted(client, trusted, platform_keys):
    make_user(email=ADDRESS)
    make_user(email=ADDRESS.upper(), email_confirmed=False)

    launch(client, trusted, platform_keys)

    assert signed_in(client) == new_account().pk


@pytest.mark.parametrize("who", ["superuser", "tutor", "inactive"])
def test_an_account_that_may_enter_the_admin_is_never_linked(
    who, client, trusted, platform_keys
):
    """The platform's word about an address never hands out staff rights."""
    if who == "superuser":
        person = make_user(email=ADDRESS, is_superuser=True, is_staff=True)
    elif who == "tutor":
        person = make_tutor(make_cohort(make_course()), email=ADDRESS)
    else:
        person = make_user(email=ADDRESS, is_active=False)

    launch(client, trusted, platform_keys)

    account = new_account()
    assert signed_in(client) == account.pk != person.pk
    assert not account.is_superuser
    assert not account.groups.exists()
    assert account.email == ""
    assert not LtiIdentity.objects.filter(user=person).exists()


def test_a_second_platform_user_with_the_address_gets_an_account_of_their_own(
    client, trusted, platform_keys
):
    """An account signs in one user of a platform: another ``sub`` claiming the
    same address does not take it over."""
    person = make_user(email=ADDRESS)
    launch(client, trusted, platform_keys)
    client.logout()

    launch(client, trusted, platform_keys, user_id="moodle-user-8")

    assert signed_in(client) == new_account().pk != person.pk
    assert LtiIdentity.objects.filter(user=person).count() == 1
