"""Verification by upload: the public page says whether a PDF is exactly the file
we issued, was changed after issue, was altered, or is none of ours — with the
certificate's status today."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from certificates.issuing import issue_certificate, revoke
from certificates.models import Certificate
from tests.certificates.conftest import completed_enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(template):
    certificate = issue_certificate(
        completed_enrolment(first_name="Anna", last_name="Liepa"),
        how=Certificate.How.AUTOMATIC,
    )
    return certificate, certificate.pdf.open("rb").read()


def upload(client, data: bytes, code: str = "", name: str = "certificate.pdf"):
    body = {"file": SimpleUploadedFile(name, data, "application/pdf")}
    if code:
        body["code"] = code
    return client.post("/verify/file/", body)


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_file_we_issued_is_recognised_with_its_status(client, issued):
    certificate, data = issued
    response = upload(client, data)
    assert response.status_code == 200
    page = text_of(response)
    assert (
        f"This is exactly the file we issued as certificate {certificate.serial}."
        in page
    )
    assert "Its signature is ours and intact." in page
    assert "This certificate is valid." in page
    assert "Anna Liepa" in page
    assert certificate.get_absolute_url() in page


def test_a_revoked_certificates_file_says_it_is_revoked(client, issued):
    certificate, data = issued
    revoke(certificate, "Issued by mistake.")
    page = text_of(upload(client, data))
    assert "This is exactly the file we issued" in page
    assert "This certificate was revoked." in page
    # The internal reason stays with staff.
    assert "Issued by mistake." not in page


def test_a_file_edited_after_issue_is_told_apart(client, issued):
    certificate, data = issued
    writer = PdfWriter(io.BytesIO(data), incremental=True)
    writer.add_metadata({"/Title": "Edited"})
    edited = io.BytesIO()
    writer.write(edited)
    page = text_of(upload(client, edited.getvalue()))
    assert (
        f"This file was changed after we issued it as certificate {certificate.serial}."
        in page
    )
    assert "This is exactly the file" not in page


def test_a_changed_byte_is_an_altered_file(client, issued):
    _, data = issued
    position = data.index(b"stream") + 40
    changed = data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]
    page = text_of(upload(client, changed))
    assert "This file was altered" in page
    assert "This is exactly the file" not in page


def test_another_certificates_file_is_named(client, issued, template):
    certificate, _ = issued
    other = issue_certificate(completed_enrolment(), how=Certificate.How.AUTOMATIC)
    page = text_of(
        upload(client, other.pdf.open("rb").read(), code=certificate.verification_code)
    )
    assert f"This is exactly the file we issued as certificate {other.serial}." in page
    assert (
        f"This file is certificate {other.serial}, not the one whose page you "
        "checked it from." in page
    )


def test_an_unsigned_pdf_of_our_making_is_unknown(client, issued, settings):
    from certificates.rendering import get_renderer

    certificate, _ = issued
    # The same certificate rendered again, unsigned: not the file we issued.
    page = text_of(upload(client, get_renderer().render(certificate)))
    assert "This file differs from every certificate we issued." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"GIF89a not a pdf", "This file is not a PDF."),
        (
            b"%PDF-1.7\n garbage without structure",
            "This is not a PDF file we can read.",
        ),
        (b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
    ids=["image", "broken-pdf", "too-large"],
)
def test_bad_files_get_a_clear_message(client, issued, data, message):
    response = upload(client, data)
    assert response.status_code == 400
    assert message in text_of(response)


def test_the_form_without_a_file_is_refused(client, issued):
    response = client.post("/verify/file/", {})
    assert response.status_code == 400
    assert "This field is required." in text_of(response)
    assert client.get("/verify/file/").status_code == 405


def test_the_verification_page_offers_the_file_check(client):
    page = text_of(client.get("/verify/"))
    assert 'enctype="multipart/form-data"' in page
    assert "Or check a PDF file" in page


def test_a_certificates_page_checks_files_against_itself(client, issued):
    certificate, _ = issued
    page = text_of(client.get(certificate.get_absolute_url()))
    assert "Or check a PDF file" in page
    assert f'name="code" value="{certificate.verification_code}"' in page


def test_an_erased_holders_file_names_the_holder_as_erased(client, issued):
    """The file check of a certificate whose holder was erased says so where
    the name stood, rather than leaving it blank, and the certificate is still
    valid."""
    from django.utils import timezone

    certificate, data = issued
    Certificate.objects.filter(pk=certificate.pk).update(
        holder_erased_at=timezone.now(), learner_name=""
    )
    certificate.snapshot["learner"] = ""
    Certificate.objects.filter(pk=certificate.pk).update(snapshot=certificate.snapshot)
    page = text_of(upload(client, data))
    assert "This certificate is valid." in page
    assert "<dd><em>erased on request</em></dd>" in page
    assert "Anna Liepa" not in page
