"""Teachers signing in by e-mail, the limit on wrong passwords, choosing a new
password, and the links in the account e-mails, as the demo site configures
django-allauth."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.db.models import F
from django.test import Client

from tests.factories import make_user
from tests.lms.accounts_world import PASSWORD, link_path, sign_up

pytestmark = pytest.mark.django_db


def wrong_passwords(client, url: str, field: str, name: str, times: int):
    for _ in range(times):
        response = client.post(url, {field: name, "password": "not-the-password"})
    return response


def test_wrong_passwords_are_throttled_and_the_right_one_works_later(client):
    """After 20 wrong passwords the form says to wait, even for the right
    password; once the pause has passed, the right password signs in."""
    make_user(email="anna@skola.lv", password=PASSWORD)
    response = wrong_passwords(
        client, "/en/accounts/login/", "login", "anna@skola.lv", 20
    )
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many wrong passwords" in html
    assert "paused for 10 minutes" in html
    right = {"login": "anna@skola.lv", "password": PASSWORD}
    response = client.post("/en/accounts/login/", right)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=11))
    response = client.post("/en/accounts/login/", right)
    assert response.status_code == 302
    assert response["Location"] == "/en/my/"


def test_the_admin_sign_in_shares_the_count(client):
    """Wrong passwords on the admin's form by username lock the same account on
    the site's form by e-mail, and the admin's form too."""
    make_user(username="inese", email="inese@du.lv", password=PASSWORD, is_staff=True)
    wrong_passwords(client, "/admin/login/", "username", "inese", 6)
    wrong_passwords(
        Client(REMOTE_ADDR="10.0.0.2"), "/en/accounts/login/", "login", "Inese@du.lv", 4
    )
    other_network = Client(REMOTE_ADDR="10.0.0.3")
    response = other_network.post(
        "/admin/login/", {"username": "inese", "password": PASSWORD}
    )
    assert response.status_code == 429
    response = other_network.post(
        "/en/accounts/login/", {"login": "inese@du.lv", "password": PASSWORD}
    )
    assert response.status_code == 429


def test_a_new_password_lifts_the_pause(client):
    """Choosing a new password from the e-mailed link is the way back at once."""
    make_user(email="anna@skola.lv", password=PASSWORD)
    wrong_passwords(client, "/en/accounts/login/", "login", "anna@skola.lv", 10)
    assert AccessAttempt.objects.exists()
    client.post("/en/accounts/password/reset/", {"email": "anna@skola.lv"})
    link = link_path(mail.outbox[-1], r"/\S+/password/reset/key/\S+/")
    form = client.get(link, follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"password1": "Jauna-parole-2027", "password2": "Jauna-parole-2027"},
    )
    response = Client().post(
        "/en/accounts/login/",
        {"login": "anna@skola.lv", "password": "Jauna-parole-2027"},
    )
    assert response.status_code == 302


def test_account_email_links_are_at_the_configured_address(client, settings):
    """With the site at http://127.0.0.1:8100, every link in the account e-mails
    (confirm the address, already registered, choose a new password, no such
    account) is there, though the requests came by another host."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100"
    make_user(email="anna@skola.lv", password=PASSWORD)
    sign_up(client, "en")
    sign_up(Client(), "en", email="anna@skola.lv")
    for email in ("anna@skola.lv", "nevienu@skola.lv"):
        Client().post("/en/accounts/password/reset/", {"email": email})
    links = {
        message.subject: re.findall(r"https?://\S+", message.body)
        for message in mail.outbox
    }
    assert len(links) == 4
    assert all(found for found in links.values()), links
    assert all(
        link.startswith("http://127.0.0.1:8100/en/accounts/")
        for found in links.values()
        for link in found
    ), links


def test_sign_in_is_by_email_in_any_letter_case(client):
    """A teacher signs in with their e-mail address, however they type its case."""
    make_user(email="anna@skola.lv", password=PASSWORD)
    response = client.post(
        "/lv/accounts/login/", {"login": "Anna@Skola.LV", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/lv/my/"


def test_sign_in_page_links_to_sign_up_and_password_reset(client):
    """The sign-in page offers "Create an account" and "Forgotten your password?"."""
    html = client.get("/en/accounts/login/").content.decode()
    assert 'href="/en/accounts/signup/">Create an account</a>' in html
    assert 'href="/en/accounts/password/reset/">Forgotten your password?</a>' in html
    assert (
        "Kursi STEM skolotājiem" in client.get("/lv/accounts/login/").content.decode()
    )


def test_password_reset_mail_links_to_a_working_form(client):
    """A teacher who forgot the password gets a link, chooses a new password and
    signs in with it."""
    make_user(email="anna@skola.lv", password=PASSWORD)
    client.post("/en/accounts/password/reset/", {"email": "anna@skola.lv"})
    [message] = mail.outbox
    assert message.subject == "Choose a new password"
    link = link_path(message, r"/\S+/password/reset/key/\S+/")
    form = client.get(link, follow=True)
    response = client.post(
        form.redirect_chain[-1][0],
        {"password1": "Jauna-parole-2027", "password2": "Jauna-parole-2027"},
    )
    assert response.status_code == 302
    response = Client().post(
        "/en/accounts/login/",
        {"login": "anna@skola.lv", "password": "Jauna-parole-2027"},
    )
    assert response.status_code == 302


def test_password_reset_for_a_known_or_an_unknown_address_looks_the_same(client):
    """Asking for a new password for an address with an account and for one
    without each send one e-mail (a link, or "there is no account") and hash
    nothing, and the visitor is told the same."""
    make_user(email="anna@skola.lv")
    seen = {}
    for email in ("anna@skola.lv", "nobody@skola.lv"):
        mail.outbox.clear()
        with mock.patch.object(MD5PasswordHasher, "encode", autospec=True) as encode:
            response = Client().post(
                "/en/accounts/password/reset/", {"email": email}, follow=True
            )
        html = response.content.decode().replace(email, "ADDRESS")
        seen[email] = (
            encode.call_count,
            [message.to for message in mail.outbox],
            response.redirect_chain,
            re.sub(r'csrfmiddlewaretoken" value="\w+"', "", html),
        )
    known, unknown = seen["anna@skola.lv"], seen["nobody@skola.lv"]
    assert known[0] == unknown[0] == 0
    assert (known[1], unknown[1]) == ([["anna@skola.lv"]], [["nobody@skola.lv"]])
    assert known[2] == unknown[2] == [("/en/accounts/password/reset/done/", 302)]
    assert known[3] == unknown[3]
