"""Asking for an erasure: the administrator's confirmation screen, the
``erase_person`` command, and the privacy log of erasures; course staff may do
none of it."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from courses.models import PrivacyLog
from tests.courses.privacy_world import erase, everything_declared
from tests.factories import in_english_admin, make_course_editor, make_user

pytestmark = pytest.mark.django_db


# The admin


def administrator():
    return in_english_admin(
        make_user(username="root", is_staff=True, is_superuser=True)
    )


def test_the_confirmation_lists_what_goes(client, person_world):
    client.force_login(administrator())
    page = client.get(f"/admin/accounts/{person_world.learner.pk}/erase/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Erase personal data" in html
    assert "Your assignment submissions" in html
    assert "kept as a record that names nobody" in html
    assert not PrivacyLog.objects.exists()


def test_a_wrong_confirmation_erases_nothing(client, person_world):
    client.force_login(administrator())
    before = everything_declared()
    response = client.post(
        f"/admin/accounts/{person_world.learner.pk}/erase/",
        {"reason": "Erasure request 7", "confirm": "peteris@e.lv"},
    )
    assert response.status_code == 400
    assert "This is not the address of the person being erased." in (
        response.content.decode()
    )
    assert everything_declared() == before
    assert not PrivacyLog.objects.exists()


def test_administrator_erases_a_person(client, person_world):
    admin = administrator()
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/{person_world.learner.pk}/erase/",
        {"reason": "Erasure request 7", "confirm": " ANNA@e.lv "},
    )
    assert response.status_code == 302
    log = PrivacyLog.objects.get()
    assert (log.action, log.channel, log.actor_user_id, log.reason) == (
        "erase",
        "admin",
        admin.pk,
        "Erasure request 7",
    )
    assert "Anna" not in everything_declared()
    # Asked again, the page says it was done and offers nothing to post.
    page = client.get(f"/admin/accounts/{person_world.learner.pk}/erase/")
    assert "There is nothing left to erase." in page.content.decode()


def test_course_staff_cannot_erase(client, person_world):
    client.force_login(make_course_editor(person_world.enrolment.course))
    url = f"/admin/accounts/{person_world.learner.pk}/erase/"
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    response = client.post(url, {"reason": "x", "confirm": "anna@e.lv"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not PrivacyLog.objects.exists()


# The command


def test_command_erases_by_address(person_world):
    out = io.StringIO()
    call_command(
        "erase_person", "Anna@E.lv", reason="Request 9", interactive=False, stdout=out
    )
    assert f"Erased the personal data of user {person_world.learner.pk}." in (
        out.getvalue()
    )
    assert PrivacyLog.objects.get().channel == "command"
    # The address is gone with the person: a second run finds nobody.
    with pytest.raises(CommandError, match="no account"):
        call_command("erase_person", "anna@e.lv", reason="Request 9", interactive=False)


def test_command_asks_first(person_world, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_person", "anna@e.lv", reason="Request 9")
    assert "Anna" in everything_declared()
    assert not PrivacyLog.objects.exists()


def test_command_needs_a_reason(person_world):
    with pytest.raises(CommandError):
        call_command("erase_person", "anna@e.lv", reason="  ", interactive=False)
    assert not PrivacyLog.objects.exists()


def test_the_privacy_log_lists_erasures_for_those_who_may_erase(client, person_world):
    erase(person_world, reason="Erasure request 2026/7")
    client.force_login(administrator())
    page = client.get("/admin/privacy-log/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Erasure request 2026/7" in html and "Erasure" in html
    assert "Anna" not in html and "anna@e.lv" not in html
    client.force_login(make_course_editor(person_world.enrolment.course))
    response = client.get("/admin/privacy-log/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
