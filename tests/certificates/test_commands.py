"""The management commands: their output, and errors without tracebacks."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from certificates.models import Certificate
from courses.enrolment.enrolling import enrol
from courses.progress.recording import record_lesson_completed
from tests.certificates.conftest import completed_enrolment
from tests.factories import make_cohort, make_course_tree, make_user

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_issue_certificate_prints_the_serial(template):
    """Issuing one by hand prints its number and verification URL."""
    enrolment = completed_enrolment(email="anna@example.edu")
    out = run(
        "issue_certificate",
        f"--course={enrolment.course.pk}",
        "--user=ANNA@example.edu",
        "--reason=Paper attendance",
    )
    certificate = Certificate.objects.get()
    assert certificate.serial in out and "/verify/" in out
    assert certificate.issued_how == Certificate.How.MANUAL


def test_issue_certificate_refuses_without_reason(template):
    """No reason: refused, nothing issued."""
    enrolment = completed_enrolment(email="anna@example.edu")
    with pytest.raises(CommandError, match="reason"):
        run(
            "issue_certificate",
            f"--course={enrolment.course.pk}",
            "--user=anna@example.edu",
        )
    assert not Certificate.objects.exists()


def test_issue_certificate_bad_input_is_one_line(template):
    """Unknown course or learner: a readable error."""
    with pytest.raises(CommandError, match="No course with id 999999"):
        run(
            "issue_certificate", "--course=999999", "--user=x@example.edu", "--reason=r"
        )
    course, _lessons = make_course_tree(modules=1, lessons=1)
    with pytest.raises(CommandError, match="is not enrolled"):
        run(
            "issue_certificate",
            f"--course={course.pk}",
            "--user=nobody@example.edu",
            "--reason=r",
        )


def test_issue_certificates_shows_progress_and_is_idempotent(template):
    """Bulk issue prints a progress bar and a summary; a second run issues none."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    cohort = make_cohort(course)
    for _ in range(2):
        enrolment = enrol(make_user(), course, cohort=cohort)
        record_lesson_completed(enrolment, lessons[0])
    out = run("issue_certificates", f"--course={course.pk}", f"--cohort={cohort.pk}")
    assert "[##############################] 2/2" in out
    assert (
        "2 issued, 0 already had one, 0 revoked, not re-issued, 0 failed, of 2." in out
    )
    out = run("issue_certificates", f"--course={course.pk}")
    assert (
        "0 issued, 2 already had one, 0 revoked, not re-issued, 0 failed, of 2." in out
    )
    with pytest.raises(CommandError, match="No cohort with id 999999"):
        run("issue_certificates", f"--course={course.pk}", "--cohort=999999")


def test_revoke_certificate(template):
    """Revoking by serial prints the result; unknown serials and no reason fail."""
    enrolment = completed_enrolment(email="anna@example.edu")
    run(
        "issue_certificate",
        f"--course={enrolment.course.pk}",
        "--user=anna@example.edu",
        "--reason=r",
    )
    serial = Certificate.objects.get().serial
    with pytest.raises(CommandError, match="reason"):
        run("revoke_certificate", serial)
    assert f"{serial} is revoked." in run(
        "revoke_certificate", serial.lower(), "--reason=Mistake"
    )
    assert Certificate.objects.get().revocation_reason == "Mistake"
    with pytest.raises(CommandError, match="nothing to revoke"):
        run("revoke_certificate", serial, "--reason=Again")
    with pytest.raises(CommandError, match="No certificate numbered"):
        run("revoke_certificate", "DU-1999-000001", "--reason=x")


def test_revoke_certificate_with_a_public_category_and_note(template):
    """The command records the public category and note apart from the reason."""
    from certificates.issuing import issue_certificate

    certificate = issue_certificate(
        completed_enrolment(), how=Certificate.How.AUTOMATIC
    )
    with pytest.raises(CommandError, match="300 characters"):
        run(
            "revoke_certificate",
            certificate.serial,
            "--reason=Duplicate",
            "--public-note=" + "x" * 301,
        )
    run(
        "revoke_certificate",
        certificate.serial,
        "--reason=Duplicate row in the import",
        "--category=replaced",
        "--public-note=Replaced by DU-2026-000002.",
    )
    certificate.refresh_from_db()
    assert certificate.revocation_category == Certificate.RevocationCategory.REPLACED
    assert certificate.revocation_public_note == "Replaced by DU-2026-000002."
    assert certificate.revocation_reason == "Duplicate row in the import"
