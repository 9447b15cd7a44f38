"""Teachers signing up, as the demo site configures django-allauth: names as
typed (and which are refused), the e-mailed confirmation link, a sign-up that
tells nobody whether an address has an account, and enrolling afterwards."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client

from courses.models import Enrolment
from tests.factories import make_cohort, make_course_tree, make_user
from tests.lms.accounts_world import PASSWORD, SIGNUP, confirmation_link, sign_up

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("first_name", "Jo\tlanta"),
        ("first_name", "Jolanta\r\nAnna"),
        ("last_name", "\u202eaņiļuzŪ"),
        ("last_name", "Ūzu\u200bliņa"),
    ],
)
def test_names_with_control_characters_are_refused(client, field, value):
    """A tab or line break inside a name, or an invisible direction or width mark,
    is refused with its own message (not silently made a space); nobody is
    created."""
    response = sign_up(client, lang="en", **{field: value})
    assert response.status_code == 200
    assert get_user_model().objects.count() == 0
    assert "Names cannot contain control characters" in response.content.decode()


def test_decomposed_letters_are_accepted_as_composed(client):
    """A name typed as a + combining macron (as macOS may send it) is stored as
    the one letter ā."""
    sign_up(client, first_name="Ja\u0304nis", last_name="Kalnin\u0327s\u030c")
    user = get_user_model().objects.get()
    assert (user.first_name, user.last_name) == ("Jānis", "Kalniņš")


def test_double_names_are_accepted(client):
    """Anna-Marija O’Brien Bērziņa-Kalniņa is a name a certificate may print."""
    sign_up(client, first_name="Anna-Marija", last_name="O’Brien  Bērziņa-Kalniņa")
    user = get_user_model().objects.get()
    assert (user.first_name, user.last_name) == (
        "Anna-Marija",
        "O’Brien Bērziņa-Kalniņa",
    )


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
