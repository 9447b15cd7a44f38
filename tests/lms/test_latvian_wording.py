"""The account pages and e-mails in one formal Latvian register: Django's and
django-allauth's own strings in our wording, the site named in the reader's
language, and the language a learner signs in with remembered."""

from __future__ import annotations

import polib
import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.checks import run_checks
from django.test import override_settings
from django.utils import translation
from wagtail.models import Site

from courses.people.languages import chosen_language
from courses.site import site_name
from lms import upstream_wording
from tests.factories import make_user
from tests.lms.accounts_world import SIGNUP, sign_up

pytestmark = pytest.mark.django_db

SHORT = {"password1": "Ab1-xyz", "password2": "Ab1-xyz"}


def test_password_rules_read_right_and_formally(client):
    """Django's Latvian says "vismaz 8 rakstzīmei" (its plural forms are
    swapped) and "Ievadi"; ours agree and say "Jūs"."""
    page = client.get("/lv/accounts/signup/").content.decode()
    assert "Parolē jābūt vismaz 8 rakstzīmēm." in page
    assert (
        "Parole nedrīkst būt pārāk līdzīga citai Jūsu personiskajai informācijai."
        in (page)
    )
    assert "rakstzīmei" not in page
    refused = sign_up(client, **SHORT).content.decode()
    assert "Šī parole ir pārāk īsa: tajā jābūt vismaz 8 rakstzīmēm." in refused
    different = sign_up(client, password2="Cita-parole-2026").content.decode()
    assert "Abos laukos ievadiet vienu un to pašu paroli." in different
    assert "jums" not in different


@override_settings(
    AUTH_PASSWORD_VALIDATORS=[
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 21},
        }
    ]
)
def test_twenty_one_takes_the_singular(client):
    """Latvian numbers ending in 1 (but not 11) take the singular."""
    assert "Parolē jābūt vismaz 21 rakstzīmei." in (
        client.get("/lv/accounts/signup/").content.decode()
    )


def test_every_overridden_string_reads_as_our_catalogue_says():
    """``LOCALE_PATHS`` comes before Django's and allauth's catalogues, so each
    string listed in ``lms.upstream_wording`` is shown in our wording (the
    plural ones are read on the sign-up page above)."""
    ours = polib.pofile(settings.BASE_DIR / "lms/locale/lv/LC_MESSAGES/django.po")
    with translation.override("lv"):
        for msgid in upstream_wording.SINGLE:
            entry = ours.find(msgid)
            assert entry is not None and entry.msgstr and not entry.fuzzy, msgid
            assert translation.gettext(msgid) == entry.msgstr


def test_latvian_emails_name_the_site_in_latvian(client):
    """The confirmation e-mail greets without a name and names the site as the
    host configured it for Latvian; the English one in English."""
    sign_up(client)
    [latvian] = mail.outbox
    assert latvian.body.startswith("Labdien!\n")
    assert (
        "lai izveidotu kontu vietnē „Kursi STEM skolotājiem, Daugavpils Universitāte”"
        in latvian.body
    )
    assert "STEM teacher courses" not in latvian.body
    sign_up(client, lang="en", email="john@school.example")
    english = mail.outbox[1]
    assert english.body.startswith("Hello,\n")
    assert "create an account at STEM teacher courses, Daugavpils University." in (
        english.body
    )


@override_settings(LMS_SITE_NAME=None)
def test_without_the_setting_the_wagtail_site_names_the_site():
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Skolotāju kursi"
    site.save()
    with translation.override("en"):
        assert site_name() == "Skolotāju kursi"


@override_settings(LMS_SITE_NAME={"lv": "Kursi"})
def test_a_language_left_out_gets_the_first_name():
    with translation.override("en"):
        assert site_name() == "Kursi"


@override_settings(LMS_SITE_NAME="STEM teacher courses")
def test_a_site_name_that_is_not_per_language_is_refused_at_start_up():
    errors = [e.msg for e in run_checks() if "LMS_SITE_NAME" in e.msg]
    assert errors
    assert all("per language" in msg for msg in errors)


def test_signing_in_on_a_latvian_page_chooses_latvian(client):
    """The language a learner signed in with is theirs until they switch: their
    e-mails and the pages without a prefix follow it."""
    user = make_user(email="ilze@skola.lv")
    user.set_password(SIGNUP["password1"])
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    client.post(
        "/en/accounts/login/", {"login": user.email, "password": SIGNUP["password1"]}
    )
    assert chosen_language(user) == "en"
    client.logout()
    client.post(
        "/lv/accounts/login/", {"login": user.email, "password": SIGNUP["password1"]}
    )
    assert chosen_language(user) == "en"  # a choice once made is kept


def test_the_admin_names_the_site_in_its_own_language(client):
    """The Wagtail admin's name for the site follows the admin's language."""
    with translation.override("en"):
        assert str(settings.WAGTAIL_SITE_NAME) == "STEM teacher courses"
    client.force_login(make_user(is_superuser=True, is_staff=True))
    with translation.override("lv"):
        html = client.get("/admin/").content.decode()
    assert "Kursi STEM skolotājiem" in html
    assert "STEM teacher courses" not in html
