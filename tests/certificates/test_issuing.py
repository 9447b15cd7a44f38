"""Issuing, re-issuing and revoking: the snapshot, the PDF and the rules."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
import segno
from django.core import mail
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from certificates.bulk import run_bulk_issue, start_bulk_issue
from certificates.delivery import ensure_pdf
from certificates.issuing import (
    Corrections,
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
SITE_8100 = "http://127.0.0.1:8100"


def qr_modules(pdf: bytes) -> set[tuple[int, int]]:
    """The dark modules (row, column) of the QR code drawn on the PDF's page: its
    rectangles one module high, in module units."""
    stream = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode()
    return {
        (int(row), column)
        for start, row, width in re.findall(r"^(\d+) (\d+) (\d+) 1 re$", stream, re.M)
        for column in range(int(start), int(start) + int(width))
    }


def qr_of(url: str) -> set[tuple[int, int]]:
    """The dark modules of ``url``'s QR code, made independently with segno."""
    matrix = segno.make(url, error="m", micro=False, mask=get_renderer().qr_mask).matrix
    return {
        (row, column)
        for row, modules in enumerate(matrix)
        for column, dark in enumerate(modules)
        if dark
    }


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


def test_every_address_of_a_certificate_is_the_configured_one(
    template, settings, django_capture_on_commit_callbacks
):
    """With the site at http://127.0.0.1:8100, the e-mail's links, the address
    printed on the PDF and its QR code's content all use that address."""
    settings.WAGTAILADMIN_BASE_URL = SITE_8100
    course, lessons = make_course_tree(modules=1, lessons=1)
    enrolment = enrol(make_user(), course)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        record_lesson_completed(enrolment, lessons[0])
    certificate = Certificate.objects.get(enrolment=enrolment)
    verify = f"{SITE_8100}/verify/{certificate.verification_code}/"
    [message] = mail.outbox
    links = re.findall(r"https?://\S+", message.body)
    assert links == [f"{SITE_8100}/certificates/mine/", verify]
    pdf = certificate.pdf.read()
    assert "127.0.0.1:8100/verify/" in pdf_text(pdf)
    assert qr_modules(pdf) == qr_of(verify)
    assert qr_modules(pdf) != qr_of(verify.replace("8100", "8000"))


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

    from courses.dates import print_date

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


def one_line(text: str) -> str:
    """The PDF's text with line breaks and runs of spaces as single spaces."""
    return " ".join(text.split())


def test_reissue_keeps_what_was_earned_when_the_course_changed(template):
    """A re-issue after a rename prints the title and hours earned, and the new name."""
    enrolment = completed_enrolment(first_name="Jolanta", last_name="Ozola")
    old = issue_certificate(enrolment, how=Automatic)
    earned_title = enrolment.course.title
    course = enrolment.course
    course.title = f"{earned_title} — PĀRDĒVĒTS"
    course.save_revision().publish()
    enrolment.hours_earned = 14
    enrolment.save(update_fields=["hours_earned"])
    enrolment.user.last_name = "Ūzuliņa"
    enrolment.user.save()
    template.body_en = "Something else entirely {learner}"
    template.save()

    new = reissue(old, "Name changed after marriage", actor=None)

    text = one_line(pdf_text(new.pdf.read()))
    assert "PĀRDĒVĒTS" not in text and "Something else" not in text
    assert f"„{earned_title}” 12 akadēmisko stundu apjomā" in text
    assert "12 academic hours" in text
    assert "Jolanta Ūzuliņa apguva" in text and "Ozola" not in text
    assert (new.course_title, new.hours, new.learner_name) == (
        earned_title,
        12,
        "Jolanta Ūzuliņa",
    )
    for key in ("period", "competences", "language", "registration_number"):
        assert new.snapshot[key] == old.snapshot[key]
    assert (
        new.snapshot["texts"]["en"]["provider"]
        == old.snapshot["texts"]["en"]["provider"]
    )
    assert new.expires_on == old.expires_on
    assert (new.serial, new.verification_code) != (old.serial, old.verification_code)
    assert new.serial in text and old.serial not in text


def test_reissue_prints_only_the_corrections_staff_made(template):
    """Corrected Latvian title and hours print; the English title stays as earned."""
    enrolment = completed_enrolment()
    old = issue_certificate(enrolment, how=Automatic)
    english = old.snapshot["texts"]["en"]["course"]
    new = reissue(
        old,
        "Title misspelt",
        corrections=Corrections(
            course_titles={"lv": "Labotais nosaukums", "en": "  "},
            hours=Decimal("10.5"),
        ),
    )
    text = one_line(pdf_text(new.pdf.read()))
    assert "„Labotais nosaukums” 10,5 akadēmiskās stundas apjomā" in text
    assert f"“{english}”, 10.5 academic hours" in text
    assert (new.course_title, new.hours) == ("Labotais nosaukums", Decimal("10.5"))


def test_reissue_of_a_certificate_issued_before_wording_was_kept(template):
    """An older snapshot without its wording still gets the new name swapped in."""
    enrolment = completed_enrolment(first_name="Jolanta", last_name="Ozola")
    old = issue_certificate(enrolment, how=Automatic)
    del old.snapshot["wording"]
    old.save(update_fields=["snapshot"])
    enrolment.user.last_name = "Ūzuliņa"
    enrolment.user.save()
    new = reissue(old, "Name changed", corrections=Corrections(hours=Decimal(11)))
    body = new.snapshot["texts"]["lv"]["body"]
    assert body.startswith("Jolanta Ūzuliņa apguva")
    assert " 11 akadēmisko stundu" in body


def test_bulk_issue_skips_learners_whose_certificate_was_revoked(template):
    """A bulk issue after a revocation issues nothing to that learner and says so."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    for _ in range(3):
        enrolment = enrol(make_user(), course)
        record_lesson_completed(enrolment, lessons[0])
    run_bulk_issue(start_bulk_issue(course, None, actor=None))
    revoked = Certificate.objects.first()
    revoke(revoked, "Attendance was not real", actor=None)
    again = run_bulk_issue(start_bulk_issue(course, None, actor=None))
    assert (again.total, again.issued, again.skipped, again.revoked) == (3, 0, 2, 1)
    assert again.failed == 0 and again.done == 3
    assert not Certificate.objects.filter(
        enrolment=revoked.enrolment, status=Certificate.Status.VALID
    ).exists()


def test_completion_does_not_issue_again_after_a_revocation(template):
    """The automatic issue on completion leaves a learner whose certificate was revoked."""
    enrolment = completed_enrolment()
    revoke(issue_certificate(enrolment, how=Automatic), "Withdrawn", actor=None)
    assert issue_for_completed_enrolment.call(enrolment.pk) == ""
    with pytest.raises(IssuingError, match="revoked"):
        issue_certificate(enrolment, how=Certificate.How.BULK)
    assert list(
        Certificate.objects.filter(enrolment=enrolment).values_list("status", flat=True)
    ) == [Certificate.Status.REVOKED]


def test_staff_reissue_a_revoked_certificate_explicitly(template):
    """Only an explicit re-issue gives a learner with a revoked certificate a new one."""
    enrolment = completed_enrolment()
    old = revoke(issue_certificate(enrolment, how=Automatic), "Checked", actor=None)
    new = reissue(old, "Attendance confirmed after all")
    old.refresh_from_db()
    assert old.status == Certificate.Status.REVOKED
    assert new.status == Certificate.Status.VALID and new.supersedes == old
    with pytest.raises(IssuingError, match="already re-issued"):
        reissue(old, "Again")


def test_latvian_text_says_apguva_and_quotes_the_title_once():
    """A title typed with its own quotes is printed in one pair of „…”, after "apguva"."""
    make_template(with_images=False, language=CertificateTemplate.Language.LATVIAN)
    for typed in ("„Pētnieciskā mācīšanās”", '"Pētnieciskā mācīšanās"'):
        course, lessons = make_course_tree(modules=1, lessons=1, title=typed)
        enrolment = completed_enrolment(
            course, lessons, first_name="Jolanta", last_name="Ūzuliņa"
        )
        text = one_line(
            pdf_text(issue_certificate(enrolment, how=Automatic).pdf.read())
        )
        assert (
            "Jolanta Ūzuliņa apguva profesionālās pilnveides programmu "
            "„Pētnieciskā mācīšanās” 12 akadēmisko stundu apjomā"
        ) in text
        assert "apguvusi" not in text and "„„" not in text and "”„" not in text


def test_english_text_quotes_a_quoted_title_once(template):
    """In English a title typed in “…” is printed in one pair of quotes too."""
    course, lessons = make_course_tree(
        modules=1, lessons=1, title="“Inquiry-based learning”"
    )
    certificate = issue_certificate(completed_enrolment(course, lessons), how=Automatic)
    text = one_line(pdf_text(certificate.pdf.read()))
    assert "programme “Inquiry-based learning”, 12 academic hours" in text
    assert "““" not in text


def test_pdf_dates_after_a_verb_are_in_the_locative():
    """Issue and expiry dates print as "2026. gada 3. decembrī" and "3 December 2026"."""
    from datetime import date

    from django.utils import timezone

    from courses.dates import print_date

    make_template(with_images=False, validity_years=5)
    certificate = issue_certificate(completed_enrolment(), how=Automatic)
    text = one_line(pdf_text(certificate.pdf.read()))
    # The certificate states the day in Riga, which leads UTC by two or three hours.
    issued = timezone.localdate(certificate.issued_at)
    expires = certificate.expires_on
    assert f"Izsniegta {print_date(issued, 'lv')}" in text
    assert f"Issued {print_date(issued, 'en')}" in text
    assert f"Derīguma termiņš beidzas {print_date(expires, 'lv')}" in text
    assert f"Valid until {print_date(expires, 'en')}" in text
    assert print_date(date(2026, 12, 3), "lv") == "2026. gada 3. decembrī"
    assert print_date(date(2026, 12, 3), "en") == "3 December 2026"
