"""Issuing, re-issuing and revoking: the snapshot, the PDF and the rules."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from certificates.bulk import run_bulk_issue, start_bulk_issue
from certificates.delivery import ensure_pdf
from certificates.issuing import (
    IssuingError,
    issue_certificate,
    issue_snapshot,
    reissue,
    revoke,
)
from certificates.models import Certificate, CertificateTemplate
from certificates.rendering import get_renderer
from certificates.tasks import issue_for_completed_enrolment
from courses.enrolment.enrolling import enrol
from courses.progress.recording import record_lesson_completed
from tests.certificates.conftest import completed_enrolment, make_template, pdf_text
from tests.factories import make_cohort, make_course_tree, make_user

pytestmark = pytest.mark.django_db

Manual = Certificate.How.MANUAL
Automatic = Certificate.How.AUTOMATIC


def test_pdf_states_name_course_hours_and_serial(template):
    """The PDF's text carries the learner's Latvian name, the course, hours and serial."""
    enrolment = completed_enrolment(first_name="Jolanta", last_name="Ūzuliņa")
    certificate = issue_certificate(enrolment, how=Automatic)
    text = pdf_text(certificate.pdf.read())
    assert "Jolanta Ūzuliņa" in text
    assert enrolment.course.title in text
    assert "12 akadēmiskās stundas" in text
    assert "12 academic hours" in text
    assert certificate.serial in text
    assert "EEA and Norway Grants" in text
    assert re.fullmatch(r"DU-\d{4}-000001", certificate.serial)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{20}", certificate.verification_code)


def test_latvian_letters_survive_in_every_text(template):
    """All Latvian letters print, in the name and in the template's text."""
    template.body_lv = "Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž ā č ē ģ ī ķ ļ ņ š ū ž {learner}"
    template.save()
    enrolment = completed_enrolment(first_name="Ģirts", last_name="Ķēniņš")
    text = pdf_text(issue_certificate(enrolment, how=Automatic).pdf.read())
    assert "Ā Č Ē Ģ Ī Ķ Ļ Ņ Š Ū Ž ā č ē ģ ī ķ ļ ņ š ū ž Ģirts Ķēniņš" in text


def test_pdf_has_title_author_and_subject_metadata(template):
    """The PDF's metadata names the certificate, the provider and the course."""
    import io

    from pypdf import PdfReader

    certificate = issue_certificate(completed_enrolment(), how=Automatic)
    meta = PdfReader(io.BytesIO(certificate.pdf.read())).metadata
    assert certificate.serial in meta.title
    assert meta.author == "Daugavpils Universitāte"
    assert meta.subject == certificate.course_title


def test_editing_course_and_template_later_changes_nothing_issued(template):
    """After issue, edits to the course, template and learner leave the PDF's text."""
    enrolment = completed_enrolment()
    certificate = issue_certificate(enrolment, how=Automatic)
    before = pdf_text(certificate.pdf.read())
    course = enrolment.course
    course.title = "Pavisam cits nosaukums"
    course.provider_name = "Cits"
    course.save_revision().publish()
    template.body_lv = "Cits teksts {learner}"
    template.funding_line_en = "Someone else"
    template.save()
    enrolment.user.first_name = "Anna"
    enrolment.user.save()
    certificate.refresh_from_db()
    again = pdf_text(get_renderer().render(certificate))
    assert again == before
    assert "Pavisam cits" not in again and "Anna" not in again


def test_a_second_issue_returns_the_same_certificate(template):
    """An enrolment has at most one valid certificate, however often it is issued."""
    enrolment = completed_enrolment()
    first = issue_certificate(enrolment, how=Automatic)
    second = issue_certificate(enrolment, how=Manual, reason="again")
    assert first.pk == second.pk
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_manual_issue_without_reason_is_refused(template):
    """Issuing by hand needs a reason."""
    enrolment = completed_enrolment()
    with pytest.raises(IssuingError, match="reason"):
        issue_certificate(enrolment, how=Manual, reason="  ")
    assert not Certificate.objects.exists()


def test_active_enrolment_only_manually_with_a_reason(template):
    """A course not completed is certified only by an administrator giving a reason."""
    course, _lessons = make_course_tree(modules=1, lessons=1)
    enrolment = enrol(make_user(), course)
    with pytest.raises(IssuingError, match="not completed"):
        issue_certificate(enrolment, how=Automatic)
    certificate = issue_certificate(
        enrolment, how=Manual, reason="Attended in person; recorded on paper"
    )
    assert certificate.issue_reason == "Attended in person; recorded on paper"
    # Nothing recorded online: the course's hours are printed.
    assert certificate.hours == 12


def test_unknown_placeholder_is_a_clear_error():
    """A template text naming an unknown placeholder does not validate."""
    template = CertificateTemplate(name="x", body_lv="{learner} {name}")
    with pytest.raises(ValidationError) as error:
        template.full_clean()
    assert "Unknown placeholder(s): name" in str(error.value.message_dict["body_lv"])


def test_no_template_is_a_clear_error(db):
    """Without a course template or a default, issuing says what to do."""
    with pytest.raises(IssuingError, match="template"):
        issue_certificate(completed_enrolment(), how=Automatic)


def test_competences_and_approval_are_frozen(template):
    """The snapshot keeps the course's approval and the template's texts."""
    course, lessons = make_course_tree(
        modules=1,
        lessons=1,
        approval_body="Daugavpils pašvaldība",
        approval_number="DIP-2026/14",
    )
    certificate = issue_certificate(completed_enrolment(course, lessons), how=Automatic)
    assert "Daugavpils pašvaldība" in certificate.snapshot["texts"]["lv"]["approval"]
    assert "DIP-2026/14" in pdf_text(certificate.pdf.read())


def test_bulk_issue_twice_issues_once(template):
    """Running a bulk issue again issues nothing new."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    cohort = make_cohort(course)
    for _ in range(3):
        enrolment = enrol(make_user(), course, cohort=cohort)
        record_lesson_completed(enrolment, lessons[0])
    enrol(make_user(), course, cohort=cohort)  # still active: not certified
    first = run_bulk_issue(start_bulk_issue(course, cohort, actor=None))
    second = run_bulk_issue(start_bulk_issue(course, cohort, actor=None))
    assert (first.total, first.issued, first.skipped) == (3, 3, 0)
    assert (second.total, second.issued, second.skipped) == (3, 0, 3)
    assert Certificate.objects.count() == 3
    assert all(c.pdf for c in Certificate.objects.all())


def test_reissue_supersedes_and_keeps_history(template):
    """A re-issue prints the corrected name and marks the old one superseded."""
    enrolment = completed_enrolment(first_name="Jolanta", last_name="Ozola")
    old = issue_certificate(enrolment, how=Automatic)
    enrolment.user.last_name = "Ūzuliņa"
    enrolment.user.save()
    new = reissue(old, "Name changed after marriage", actor=None)
    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED
    assert new.supersedes == old and new.status == Certificate.Status.VALID
    assert new.serial != old.serial
    assert "Jolanta Ūzuliņa" in pdf_text(new.pdf.read())
    assert "Jolanta Ozola" in pdf_text(old.pdf.read())
    assert old.current_version() == new


def test_revoke_keeps_the_row_with_who_when_why(template):
    """Revoking records the reason and keeps the certificate."""
    certificate = issue_certificate(completed_enrolment(), how=Automatic)
    staff = make_user(username="registrar")
    revoke(certificate, "Issued by mistake", actor=staff)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_by == staff and certificate.revoked_at
    assert certificate.revocation_reason == "Issued by mistake"
    with pytest.raises(IssuingError):
        revoke(certificate, "again", actor=staff)


def test_completion_issues_automatically_and_emails(
    template, django_capture_on_commit_callbacks
):
    """Completing the last lesson issues the certificate and e-mails the learner."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    enrolment = enrol(make_user(first_name="Jolanta", last_name="Ūzuliņa"), course)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record_lesson_completed(enrolment, lessons[0])
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.issued_how == Automatic
    assert certificate.pdf
    assert len(mail.outbox) == 1
    assert certificate.serial in mail.outbox[0].subject
    assert "/certificates/mine/" in mail.outbox[0].body


def test_task_run_again_after_a_crash_finishes_the_job(template):
    """A snapshot left without its PDF is rendered, not duplicated, on a second run."""
    enrolment = completed_enrolment()
    certificate, created = issue_snapshot(enrolment, how=Automatic)
    assert created and not certificate.pdf
    issue_for_completed_enrolment.call(enrolment.pk)
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    certificate.refresh_from_db()
    assert certificate.pdf
    name = certificate.pdf.name
    ensure_pdf(certificate)
    assert certificate.pdf.name == name


def test_serials_count_up_per_prefix_and_year(template):
    """Consecutive issues get consecutive numbers in the template's series."""
    serials = [
        issue_certificate(completed_enrolment(), how=Automatic).serial for _ in range(3)
    ]
    assert [s[-6:] for s in serials] == ["000001", "000002", "000003"]
    other = make_template(name="Other", is_default=False, serial_prefix="DIC")
    from certificates.models import CourseCertificateSettings

    course, lessons = make_course_tree(modules=1, lessons=1)
    CourseCertificateSettings.objects.create(course=course, template=other)
    serial = issue_certificate(
        completed_enrolment(course, lessons), how=Automatic
    ).serial
    assert serial.startswith("DIC-") and serial.endswith("-000001")


def test_certificate_prints_the_level_assessed_for_the_learner():
    """A competence assessed in an accepted assignment is frozen at that level."""
    from courses.assignments.submissions import review_submission, submit_assignment
    from courses.competences.frameworks import load_frameworks
    from courses.models import (
        AssignmentSubmission,
        Competence,
        FrameworkLevel,
        ModuleCompetence,
    )
    from tests.courses.assessment_factories import make_assignment

    load_frameworks()
    make_template(with_images=False)
    course, lessons = make_course_tree(modules=1, lessons=1)
    module = lessons[0].get_parent().specific
    digital = Competence.objects.get(framework__code="DigCompEdu", code="2.1")
    ModuleCompetence.objects.create(
        module=module,
        competence=digital,
        target_level=FrameworkLevel.objects.get(framework=digital.framework, code="B1"),
    )
    assignment = make_assignment(module, competences=[digital])
    enrolment = enrol(make_user(), course)
    submission = submit_assignment(enrolment, assignment, text="Darbs")
    review_submission(
        submission,
        make_user(is_staff=True),
        AssignmentSubmission.Status.ACCEPTED,
        levels={
            digital.pk: FrameworkLevel.objects.get(
                framework=digital.framework, code="B2"
            )
        },
    )
    record_lesson_completed(enrolment, lessons[0])
    enrolment.refresh_from_db()
    certificate = issue_certificate(
        enrolment, how=Certificate.How.MANUAL, reason="Test"
    )
    [competence] = certificate.snapshot["competences"]
    assert (competence["code"], competence["level"]) == ("2.1", "B2")


def test_latvian_certificate_has_latvian_title_and_dates():
    """A Latvian certificate prints its Latvian title and dates written in Latvian."""
    from django.utils import timezone

    from certificates.printed import print_date

    make_template(
        with_images=False,
        language=CertificateTemplate.Language.LATVIAN,
        title_lv="APLIECĪBA",
    )
    enrolment = completed_enrolment(first_name="Jolanta", last_name="Ūzuliņa")
    certificate = issue_certificate(
        enrolment, how=Certificate.How.MANUAL, reason="Test"
    )
    text = pdf_text(certificate.pdf.read())
    today = timezone.localdate().isoformat()
    assert "APLIECĪBA" in text
    assert "Jolanta Ūzuliņa" in text
    assert f"Izsniegta {print_date(today, 'lv')}" in text
    assert " gada " in print_date(today, "lv")
    assert print_date("2026-11-21", "lv") == "2026. gada 21. novembrī"
