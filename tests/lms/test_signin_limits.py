"""Limits on wrong passwords and look-ups as a deployment behind a proxy sees them:
each client counted by its own address, each account by its own count, a right
password clearing only its own account's mistakes."""

from __future__ import annotations

import itertools
import time
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import F
from django.test import Client

from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Daugavpils-skola-2026"
PROXY = "10.0.0.1"
ADMIN_FORM = "/admin/login/"
SITE_FORM = "/en/accounts/login/"


@pytest.fixture(autouse=True)
def behind_a_proxy(settings):
    """Production's set-up: one proxy at ``PROXY`` appends the client's address
    to X-Forwarded-For, and every request reaches the site from the proxy."""
    settings.LMS_PROXY_COUNT = 1
    settings.LMS_TRUSTED_PROXIES = [PROXY]


def through_proxy(address: str, forged: str = "") -> Client:
    """A client at ``address``; what it forged comes before the proxy's entry."""
    forwarded = f"{forged}, {address}" if forged else address
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)


def admin_form(client: Client, username: str, password: str = "not-the-password"):
    return client.post(ADMIN_FORM, {"username": username, "password": password})


def site_form(client: Client, email: str, password: str = "not-the-password"):
    return client.post(SITE_FORM, {"login": email, "password": password})


@pytest.fixture
def paced():
    """Each request allauth's per-minute limits count comes 3 s after the last,
    as a guesser keeping under them would send it: what is left is axes' lock."""
    clock = itertools.count(time.time(), 3)
    with mock.patch(
        "allauth.core.internal.ratelimit.time.time", side_effect=lambda: next(clock)
    ):
        yield


@pytest.fixture
def admin():
    return make_user(
        username="admin",
        email="admin@du.lv",
        password=PASSWORD,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def teacher():
    return make_user(username="teacher", email="teacher@skola.lv", password=PASSWORD)


def test_one_clients_wrong_passwords_never_lock_out_another(paced, admin, teacher):
    """A client that sends 150 wrong passwords on both forms, forging addresses
    in front of the proxy's entry, is stopped; another client behind the same
    proxy signs in on both forms."""
    guesser = through_proxy("198.51.100.66")
    statuses = []
    for n in range(150):
        guesser.defaults["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{n % 250}, 198.51.100.66"
        if n % 2:
            statuses.append(admin_form(guesser, f"someone{n}").status_code)
        else:
            statuses.append(site_form(guesser, f"someone{n}@skola.lv").status_code)
    assert statuses[:99] == [200] * 99
    assert set(statuses[99:]) == {429}
    assert site_form(guesser, "teacher@skola.lv", PASSWORD).status_code == 429

    other = through_proxy("198.51.100.7")
    response = site_form(other, "teacher@skola.lv", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/en/my/"
    response = admin_form(through_proxy("198.51.100.7"), "admin", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


def test_one_clients_lookups_never_hold_back_another():
    """A client making 130 certificate look-ups is told to wait after 60; another
    client behind the same proxy is answered."""
    busy = through_proxy("198.51.100.66")
    # All within one of django-ratelimit's minutes, however slow the machine.
    with mock.patch("django_ratelimit.core.time.time", return_value=time.time()):
        statuses = [
            busy.get(
                f"/verify/{n:020d}/", HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 198.51.100.66"
            ).status_code
            for n in range(130)
        ]
        other = through_proxy("198.51.100.7").get(f"/verify/{1:020d}/")
    assert statuses == [404] * 60 + [429] * 70
    assert other.status_code == 404


def test_one_clients_password_resets_never_hold_back_another(teacher):
    """allauth's limit on password-reset requests counts the client's address
    too: one client's 25 requests do not stop another's."""
    busy = through_proxy("198.51.100.66")
    statuses = [
        busy.post(
            "/en/accounts/password/reset/", {"email": f"someone{n}@skola.lv"}
        ).status_code
        for n in range(25)
    ]
    assert statuses[0] == 302
    assert statuses[-1] == 429
    response = through_proxy("198.51.100.7").post(
        "/en/accounts/password/reset/", {"email": "teacher@skola.lv"}
    )
    assert response.status_code == 302


def test_signing_in_as_someone_else_does_not_clear_the_count(admin, teacher):
    """Nine wrong admin passwords, a right sign-in as another user from the same
    client, and the tenth wrong admin password locks the admin account."""
    guesser = through_proxy("198.51.100.66")
    for _ in range(9):
        assert admin_form(guesser, "admin").status_code == 200
    assert site_form(through_proxy("198.51.100.66"), "teacher@skola.lv", PASSWORD)[
        "Location"
    ] == ("/en/my/")
    response = admin_form(guesser, "admin")
    assert response.status_code == 429
    assert "Pārāk daudz nepareizu paroļu" in response.content.decode()
    assert admin_form(through_proxy("192.0.2.1"), "admin", PASSWORD).status_code == 429


def test_a_right_password_clears_only_its_own_accounts_count_here(admin, teacher):
    """The teacher's right password clears the teacher's mistakes from that
    address; the admin's failures there and the teacher's from elsewhere stay."""
    school = through_proxy("198.51.100.66")
    for _ in range(3):
        site_form(school, "teacher@skola.lv")
        admin_form(school, "admin")
    site_form(through_proxy("192.0.2.1"), "teacher@skola.lv")
    assert site_form(school, "teacher@skola.lv", PASSWORD).status_code == 302
    assert sorted(
        AccessAttempt.objects.values_list(
            "username", "ip_address", "failures_since_start"
        )
    ) == [("admin", "198.51.100.66", 3), ("teacher", "192.0.2.1", 1)]


def test_thirty_teachers_behind_one_school_address_are_not_held_back(paced):
    """Thirty teachers sharing their school's address each mistype three times
    and then sign in (over six minutes); the 90 mistakes hold none of them back,
    and the address is stopped only at 100 failures that nobody followed with a
    right password."""
    school = through_proxy("198.51.100.10")
    teachers = [make_user(password=PASSWORD) for _ in range(30)]
    for teacher in teachers:
        for _ in range(3):
            assert site_form(school, teacher.email).status_code == 200
    for teacher in teachers:
        response = site_form(through_proxy("198.51.100.10"), teacher.email, PASSWORD)
        assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    for n in range(99):
        assert site_form(school, f"nobody{n}@skola.lv").status_code == 200
    assert site_form(school, "nobody@skola.lv").status_code == 429
    assert site_form(school, teachers[0].email, PASSWORD).status_code == 429
    assert site_form(through_proxy("198.51.100.11"), teachers[0].email, PASSWORD)[
        "Location"
    ] == ("/en/my/")


@pytest.mark.parametrize(
    "trusted_proxies",
    [[PROXY], None],
    ids=["through the proxy", "past the proxy, choosing every address"],
)
def test_no_account_takes_more_than_ten_wrong_passwords(
    settings, paced, admin, teacher, trusted_proxies
):
    """Alternating the admin's form and the site's, rotating addresses and
    browsers, and signing in as another user between guesses, a guesser gets
    exactly 10 wrong passwords checked against one account; then the account
    waits 10 minutes."""
    settings.LMS_TRUSTED_PROXIES = trusted_proxies
    checked = []
    check_password = AbstractBaseUser.check_password

    def spy(user, raw_password):
        right = check_password(user, raw_password)
        if user.get_username() == "admin" and not right:
            checked.append(raw_password)
        return right

    addresses = (f"203.0.113.{n}" for n in itertools.count(1))
    with mock.patch.object(AbstractBaseUser, "check_password", spy):
        for n in range(30):
            # Past the proxy the guesser writes the whole header: a new address
            # each time. Through it, only what precedes the proxy's entry.
            address = next(addresses) if trusted_proxies is None else "198.51.100.66"
            guesser = through_proxy(address, forged=next(addresses))
            guesser.defaults["HTTP_USER_AGENT"] = f"Browser/{n}"
            if n % 2:
                admin_form(guesser, "admin", f"guess{n}")
            else:
                site_form(guesser, "Admin@du.lv", f"guess{n}")
            helper = through_proxy(address)
            assert site_form(helper, "teacher@skola.lv", PASSWORD).status_code == 302
    assert len(checked) == 10
    assert admin_form(through_proxy("192.0.2.1"), "admin", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=11))
    assert admin_form(through_proxy("192.0.2.1"), "admin", PASSWORD).status_code == 302
