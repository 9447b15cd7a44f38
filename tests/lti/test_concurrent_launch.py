"""Two first launches of one platform user at the same moment (a double click
in the platform) end in one account, both signed in to it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from courses.lti.accounts import account_for_launch
from courses.lti.models import LtiDeployment, LtiIdentity, LtiRegistration
from tests.concurrency import needs_row_locks, run_in_threads

pytestmark = needs_row_locks

CLAIMS = {
    "iss": "https://moodle.example.edu",
    "sub": "moodle-user-7",
    "email": "anna@example.edu",
    "given_name": "Anna",
    "family_name": "Bērziņa",
}


@pytest.mark.parametrize("attempt", range(3))
def test_simultaneous_first_launches_make_one_account(attempt):
    registration = LtiRegistration.objects.create(
        name="University Moodle",
        issuer=CLAIMS["iss"],
        client_id="tool-client-1",
        auth_login_url="https://moodle.example.edu/auth",
        auth_token_url="https://moodle.example.edu/token",
        keyset_url="https://moodle.example.edu/certs",
    )
    LtiDeployment.objects.create(registration=registration, deployment_id="1")
    accounts = []

    run_in_threads(
        [lambda: accounts.append(account_for_launch(registration, CLAIMS))] * 2
    )

    assert LtiIdentity.objects.count() == 1
    assert get_user_model().objects.filter(username__startswith="lti-").count() == 1
    assert accounts[0].pk == accounts[1].pk
