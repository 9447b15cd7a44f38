"""Erasing a person: nothing personal is left in any declared model, no file is
left behind, their certificate still verifies, figures still count them, and
erasing twice is harmless."""

from __future__ import annotations

import csv
import io
import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.test import RequestFactory, TestCase

from certificates.issuing import IssuingError, issue_certificate, reissue
from certificates.models import Certificate
from courses.models import (
    AssignmentSubmission,
    Enrolment,
    PrivacyLog,
    QuizAttempt,
)
from courses.privacy.erasure import erase_person, erasure_plan, records_of
from courses.privacy.registry import personal_data
from tests.courses.privacy_world import Course
from tests.factories import in_english_admin, make_course_editor, make_user

pytestmark = pytest.mark.django_db

#: What Anna's records said about her, none of which may remain anywhere.
ANNAS_DATA = ("Anna", "Bērziņa", "anna@e.lv", "My plan for grade 7", "Well argued")


def everything_declared() -> str:
    """Every row of every declared model, as one JSON text."""
    dump = {}
    for declaration in personal_data():
        model = declaration.model_class()
        dump[declaration.name] = list(model._default_manager.values())
    return json.dumps(dump, cls=DjangoJSONEncoder, ensure_ascii=False)


def erase(world: Course, **kwargs) -> None:
    kwargs.setdefault("channel", PrivacyLog.Channel.COMMAND)
    kwargs.setdefault("reason", "Erasure request 2026/7")
    # Files go once the erasure has committed, as in real use.
    with TestCase.captureOnCommitCallbacks(execute=True):
        erase_person(world.learner, **kwargs)


def stored_files(world: Course) -> tuple[str, str]:
    submission = AssignmentSubmission.objects.get(enrolment=world.enrolment)
    return submission.file.name, world.certificate.pdf.name


def test_nothing_personal_remains_in_any_declared_model(person_world):
    before = everything_declared()
    assert all(value in before for value in ANNAS_DATA)
    erase(person_world)
    after = everything_declared()
    assert [value for value in ANNAS_DATA if value in after] == []
    # Pēteris's records are untouched.
    assert "Pēteris" in after and "Pēteris's secret draft" in after
    learner = type(person_world.learner).objects.get(pk=person_world.learner.pk)
    assert (learner.username, learner.email, learner.first_name) == (
        f"erased-{learner.pk}",
        "",
        "",
    )
    assert not learner.is_active and not learner.has_usable_password()
    assert not EmailAddress.objects.filter(user=learner).exists()
    for declaration in personal_data():
        rows = records_of(declaration, learner)
        if declaration.erasure.strategy == "delete":
            assert not rows.exists(), declaration.name
        for field in declaration.erasure.fields:
            values = rows.values_list(field, flat=True)
            assert all(value in ("", None, {}, []) for value in values), (
                declaration.name,
                field,
            )
    attempt = QuizAttempt.objects.get(enrolment=person_world.enrolment)
    assert attempt.percent == 100 and not attempt.answers


def test_the_persons_files_are_deleted_and_nobody_elses(person_world):
    submission_file, pdf = stored_files(person_world)
    others = AssignmentSubmission.objects.get(
        enrolment=person_world.other_enrolment
    ).file.name
    assert default_storage.exists(submission_file) and default_storage.exists(pdf)
    erase(person_world)
    assert not default_storage.exists(submission_file)
    assert not default_storage.exists(pdf)
    assert default_storage.exists(others)


def test_the_certificate_still_verifies_without_the_name(client, person_world):
    certificate = person_world.certificate
    erase(person_world)
    certificate.refresh_from_db()
    assert (certificate.learner_name, certificate.pdf.name) == ("", "")
    assert certificate.holder_erased_at is not None
    assert len(certificate.pdf_sha256) == 64
    page = client.get(
        certificate.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert (
        "This certificate was valid; its holder's details were erased on request."
        in page
    )
    assert certificate.serial in page and "Digital pedagogy" in page
    assert "Anna" not in page and "Bērziņa" not in page
    data = client.get(
        f"/api/v1/certificates/verify/{certificate.verification_code}"
    ).json()
    assert (data["serial"], data["learner"], data["holder_erased"]) == (
        certificate.serial,
        "",
        True,
    )
    assert data["hours"] == float(certificate.hours)
    assert "Anna" not in json.dumps(certificate.snapshot, ensure_ascii=False)


def test_the_verification_page_says_so_in_latvian(client, person_world):
    erase(person_world)
    page = client.get(
        person_world.certificate.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="lv"
    ).content.decode()
    assert "dzēsti" in page


def test_nothing_is_issued_to_an_erased_person(person_world):
    erase(person_world)
    with pytest.raises(IssuingError, match="erased"):
        reissue(person_world.certificate, reason="Name corrected")
    Certificate.objects.all().delete()
    with pytest.raises(IssuingError, match="erased"):
        issue_certificate(
            person_world.enrolment, how=Certificate.How.MANUAL, reason="Register"
        )


def test_erasing_twice_is_harmless(person_world):
    erase(person_world)
    once = everything_declared()
    erase(person_world)
    assert everything_declared() == once
    assert erasure_plan(person_world.learner)  # the account and its tombstones
    assert PrivacyLog.objects.filter(action="erase").count() == 2


def test_reports_count_an_erased_learner_without_naming_them(client, person_world):
    erase(person_world)
    author = in_english_admin(person_world.author)
    client.force_login(author)
    response = client.get("/admin/reports/export/csv/", HTTP_ACCEPT_LANGUAGE="en")
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    )
    names = sorted(row[0] for row in rows[1:])
    assert names == ["Erased on request", "Pēteris Ozols"]
    assert "anna@e.lv" not in str(rows)
    assert Enrolment.objects.count() == 2


def test_an_erased_person_cannot_sign_in(client, person_world):
    erase(person_world)
    for name in ("anna", "anna@e.lv", f"erased-{person_world.learner.pk}"):
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=name, password="pw-for-tests") is None


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
