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
from django.test import RequestFactory

from certificates.issuing import IssuingError, issue_certificate, reissue
from certificates.models import Certificate
from courses.models import AssignmentSubmission, Enrolment, PrivacyLog, QuizAttempt
from courses.privacy.erasure import erasure_plan
from courses.privacy.registry import personal_data, records_of
from tests.courses.privacy_world import ANNAS_DATA, Course, erase, everything_declared
from tests.factories import in_english_admin

pytestmark = pytest.mark.django_db


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
    # His comment on her (now erased) work is his, and stays.
    assert "A comment by Pēteris on the plan" in after
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
        "This certificate is valid; its holder's details were erased on request."
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
