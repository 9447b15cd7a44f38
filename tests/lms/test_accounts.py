"""Teachers' own accounts: sign-up, e-mail confirmation, sign-in by e-mail, password
reset and their limits, as the demo site configures django-allauth."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.db.models import F
from django.test import Client

from courses.models import Enrolment
from courses.site import base_url
from tests.factories import make_cohort, make_course_tree, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "Daugavpils-skola-2026"
SIGNUP = {
    "first_name": "Jolanta",
    "last_name": "Ūzuliņa",
    "email": "jolanta.uzulina@skola.lv",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


def sign_up(client: Client, lang: str = "lv", **data) -> object:
    return client.post(f"/{lang}/accounts/signup/", {**SIGNUP, **data})


def link_path(message, pattern: str) -> str:
    """The path of the e-mail's link matching ``pattern``, which must be at the
    site's address."""
    match = re.search(re.escape(base_url()) + f"({pattern})", message.body)
    assert match, message.body
    return match.group(1)


def confirmation_link(message) -> str:
    return link_path(message, r"/\S+/accounts/confirm-email/\S+/")


def test_sign_up_keeps_latvian_names_and_asks_to_confirm_the_address(client):
    """A new teacher is created with their names as typed and is sent, in Latvian,
    a link to confirm the address; they are not signed in yet."""
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/lv/accounts/confirm-email/"
    user = get_user_model().objects.get(email="jolanta.uzulina@skola.lv")
    assert (user.first_name, user.last_name) == ("Jolanta", "Ūzuliņa")
    assert not EmailAddress.objects.get(user=user).verified
    [message] = mail.outbox
    assert message.to == ["jolanta.uzulina@skola.lv"]
    assert message.subject == "Apstipriniet savu e-pasta adresi"
    assert "Kursi STEM skolotājiem, Daugavpils Universitāte" in message.body
    page = client.get(response["Location"]).content.decode()
    assert "Apstipriniet savu e-pasta adresi" in page
    assert "_auth_user_id" not in client.session


def test_confirming_the_address_signs_in_and_opens_enrolment(client):
    """The e-mailed link confirms the address, signs the teacher in, and they can
    enrol."""
    course, _ = make_course_tree(modules=1, lessons=1)
    sign_up(client, lang="en")
    link = confirmation_link(mail.outbox[0])
    page = client.get(link).content.decode()
    assert (
        "Confirm that <strong>jolanta.uzulina@skola.lv</strong> is your address."
        in page
    )
    response = client.post(link)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="jolanta.uzulina@skola.lv").verified
    response = client.post(f"/en/courses/{course.pk}/enrol/", follow=True)
    assert "You are enrolled in" in response.content.decode()
    assert Enrolment.objects.get().user.last_name == "Ūzuliņa"


def test_signing_in_before_confirming_sends_a_new_link_and_stays_out(client):
    """Sign-in with the right password but an unconfirmed address leads to "confirm
    your e-mail address", not into the site."""
    sign_up(client)
    mail.outbox.clear()
    # allauth sends at most one link every three minutes per address.
    with mock.patch(
        "allauth.core.internal.ratelimit.time.time", return_value=time.time() + 200
    ):
        response = Client().post(
            "/en/accounts/login/",
            {"login": "jolanta.uzulina@skola.lv", "password": PASSWORD},
        )
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/confirm-email/"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Confirm your e-mail address"


def test_a_second_sign_up_with_the_same_address_in_other_letters_adds_nobody(client):
    """Signing up again as JOLANTA.UZULINA@SKOLA.LV creates no second account; the
    owner of the address is told an account exists, and the page gives nothing
    away."""
    sign_up(client)
    mail.outbox.clear()
    # allauth mails an address at most once every three minutes.
    with mock.patch(
        "allauth.core.internal.ratelimit.time.time", return_value=time.time() + 200
    ):
        response = sign_up(
            Client(), email="JOLANTA.Uzulina@Skola.LV", first_name="Cits"
        )
    assert response.status_code == 302
    assert response["Location"] == "/lv/accounts/confirm-email/"
    assert get_user_model().objects.count() == 1
    [message] = mail.outbox
    assert message.subject == "Jums jau ir konts"
    assert message.to == ["jolanta.uzulina@skola.lv"]


def test_tampered_and_expired_links_say_so_and_confirm_nothing(client):
    """A link with a changed key, or one older than three days, shows "This link no
    longer works" and leaves the address unconfirmed."""
    sign_up(client, lang="en")
    link = confirmation_link(mail.outbox[0])
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    assert "This link no longer works" in client.get(tampered).content.decode()
    client.post(tampered)
    with mock.patch(
        "django.core.signing.time.time", return_value=time.time() + 4 * 24 * 3600
    ):
        assert "This link no longer works" in client.get(link).content.decode()
        client.post(link)
    assert not EmailAddress.objects.get().verified


@pytest.mark.parametrize(
    ("field", "value"),
    [("first_name", "J0lanta"), ("last_name", "Ūzuliņa!"), ("last_name", " ")],
)
def test_names_that_cannot_be_printed_are_refused(client, field, value):
    """A name with digits or signs is refused with a message; nobody is created."""
    response = sign_up(client, lang="en", **{field: value})
    assert response.status_code == 200
    assert get_user_model().objects.count() == 0
    html = response.content.decode()
    assert "Use letters only" in html or "This field is required." in html, html


def test_double_names_are_accepted(client):
    """Anna-Marija O’Brien Bērziņa-Kalniņa is a name a certificate may print."""
    sign_up(client, first_name="Anna-Marija", last_name="O’Brien  Bērziņa-Kalniņa")
    user = get_user_model().objects.get()
    assert (user.first_name, user.last_name) == (
        "Anna-Marija",
        "O’Brien Bērziņa-Kalniņa",
    )


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


def test_sign_up_switched_off_says_so_and_creates_nobody(client, settings):
    """With self-registration off, the sign-up page says accounts come from the
    course team, posting creates nobody, and sign-in offers no sign-up link."""
    settings.LMS_SELF_REGISTRATION = False
    page = client.get("/en/accounts/signup/").content.decode()
    assert "Accounts are created by the course team" in page
    sign_up(client, lang="en")
    assert get_user_model().objects.count() == 0
    assert not mail.outbox
    assert "Create an account" not in client.get("/en/accounts/login/").content.decode()


def test_wrong_cohort_key_says_so_and_enrols_nobody(client):
    """A wrong key is refused on the course page with the reason; nothing is
    recorded."""
    course, _ = make_course_tree(modules=1, lessons=1)
    make_cohort(course, name="Daugavpils", enrolment_key="STEM-DAUGAVPILS")
    client.force_login(make_user())
    response = client.post(
        f"/en/courses/{course.pk}/enrol/", {"key": "STEM-RIGA"}, follow=True
    )
    assert "That enrolment key is not correct." in response.content.decode()
    assert not Enrolment.objects.exists()


def test_an_unconfirmed_account_cannot_enrol(client):
    """An account whose address is not confirmed (e.g. signed in through the admin)
    is asked to confirm it before enrolling."""
    course, _ = make_course_tree(modules=1, lessons=1)
    client.force_login(make_user(email_confirmed=False))
    response = client.post(f"/en/courses/{course.pk}/enrol/", follow=True)
    assert "Confirm your e-mail address first" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_teacher_may_give_the_municipality_of_their_school(client):
    page = client.get("/en/accounts/signup/").content.decode()
    assert "Municipality of your school" in page and "Ogres novads" in page
    sign_up(client, municipality="ogre")
    user = get_user_model().objects.get(email=SIGNUP["email"])
    assert user.learner_profile.municipality == "ogre"


def test_an_unknown_municipality_is_refused(client):
    response = sign_up(client, lang="en", municipality="atlantis")
    assert "Select a valid choice." in response.content.decode()
    assert not get_user_model().objects.exists()


def test_sign_up_with_a_known_or_a_new_address_looks_and_costs_the_same(client):
    """Signing up with an address that has an account and with a new one each
    hash a password once (most of a sign-up's time) and send one e-mail, and the
    visitor gets the same answer and the same page: neither the page nor its
    time tells who has an account."""
    make_user(email="jolanta.uzulina@skola.lv")
    seen = {}
    for kind, email in (("known", SIGNUP["email"]), ("new", "anna.liepa@skola.lv")):
        mail.outbox.clear()
        browser = Client()
        with mock.patch.object(
            MD5PasswordHasher,
            "encode",
            autospec=True,
            side_effect=MD5PasswordHasher.encode,
        ) as encode:
            response = sign_up(browser, lang="en", email=email)
        page = browser.get(response["Location"])
        html = page.content.decode().replace(email, "ADDRESS")
        seen[kind] = (
            encode.call_count,
            [message.to for message in mail.outbox],
            response.status_code,
            response["Location"],
            page.status_code,
            # Each browser has its own CSRF token.
            re.sub(r'csrfmiddlewaretoken" value="\w+"', "", html),
        )
    assert seen["known"][0] == seen["new"][0] == 1
    assert seen["known"][1] == [[SIGNUP["email"]]]
    assert seen["new"][1] == [["anna.liepa@skola.lv"]]
    assert (
        seen["known"][2:5]
        == seen["new"][2:5]
        == (302, "/en/accounts/confirm-email/", 200)
    )
    assert seen["known"][5] == seen["new"][5]
    assert "Confirmation email sent to ADDRESS." in seen["new"][5]
    assert get_user_model().objects.filter(email="anna.liepa@skola.lv").exists()


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
