"""Hostile files on the anonymous verification page: crafted and mangled PDFs get
a clear answer in bounded time and memory with a line or two in the log, and a
file over the size limit is refused before more than the limit is kept."""

from __future__ import annotations

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test.client import (
    BOUNDARY,
    MULTIPART_CONTENT,
    ClientHandler,
    encode_multipart,
)
from django.urls import reverse

from certificates import untrusted_pdf
from certificates.issuing import issue_certificate
from certificates.models import Certificate, ExternalCertificate
from courses.conf import check_settings
from tests.certificates import hostile_pdfs
from tests.certificates.conftest import completed_enrolment
from tests.factories import make_user

pytestmark = pytest.mark.django_db

UNREADABLE = "This is not a PDF file we can read."
ALTERED = "This file was altered"
TOO_LARGE = "The file is larger than 10 MB, so it is no certificate of ours."
VERIFY = "/verify/file/"
MB = 1024 * 1024


@pytest.fixture
def issued(template) -> bytes:
    """The PDF of a certificate issued and signed as the site does."""
    certificate = issue_certificate(
        completed_enrolment(first_name="Anna", last_name="Liepa"),
        how=Certificate.How.AUTOMATIC,
    )
    return certificate.pdf.open("rb").read()


@pytest.fixture
def kept(settings, tmp_path):
    """What the handlers after the size limit were given, and where temporary
    upload files go (empty afterwards if nothing was left behind)."""
    settings.FILE_UPLOAD_HANDLERS = [
        "courses.uploads.UploadLimitHandler",
        "tests.certificates.test_hostile_files.Keeper",
    ]
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    Keeper.bytes_given = 0
    return tmp_path / "uploads"


class Keeper(FileUploadHandler):
    """Stands for Django's handlers that keep a file: counts what reaches it."""

    bytes_given = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        Keeper.bytes_given += len(raw_data)

    def file_complete(self, file_size: int) -> None:
        return None


def upload(client, data: bytes, name: str = "certificate.pdf"):
    return client.post(VERIFY, {"file": SimpleUploadedFile(name, data)})


def page_text(response) -> str:
    return " ".join(response.content.decode().split())


def reader_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == untrusted_pdf.logger.name]


@pytest.fixture
def no_reader(monkeypatch):
    """Fails the test if a reading process is started."""

    def refuse(*args, **kwargs):
        raise AssertionError("a reading process was started")

    monkeypatch.setattr(untrusted_pdf.subprocess, "Popen", refuse)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (hostile_pdfs.xref_stream_claiming(1_000_000), "claims 1000000 objects"),
        (
            hostile_pdfs.form_fields_of_zeros(400_000),
            "lists more than 10000 form fields",
        ),
        (hostile_pdfs.nested_arrays(5_000), "nests arrays or dictionaries"),
    ],
    ids=["xref-1M-entries", "400k-zero-fields", "nested-5000-deep"],
)
def test_crafted_files_are_refused_before_any_reader_starts(
    client, caplog, no_reader, data, reason
):
    """The probe's crafted files are refused from their raw bytes, with one line
    in the log that says why, and no process is started for them."""
    caplog.set_level(logging.INFO)
    response = upload(client, data)
    assert response.status_code == 400
    assert UNREADABLE in page_text(response)
    [line] = reader_lines(caplog)
    assert reason in line.getMessage()
    assert len(caplog.records) <= 2  # and Django's "Bad Request"


@pytest.mark.parametrize(
    "last", [b"/X", b"1.5", b"9"], ids=["a-name", "a-fraction", "past-the-end"]
)
def test_a_certificate_with_a_mangled_byte_range_is_altered(
    client, issued, caplog, last
):
    """A /ByteRange that is no longer four offsets within the file (the probe's
    TypeError, a server error) reads as an altered file."""
    caplog.set_level(logging.INFO)
    first, second, third, length = hostile_pdfs.byte_range_values(issued)
    if last == b"9":
        # The second signed range starts and ends beyond the file.
        third, last = b"9" * len(third), b"9" * len(length)
    mangled = hostile_pdfs.with_byte_range(
        issued, b" ".join([first, second, third, last])
    )
    response = upload(client, mangled)
    assert response.status_code == 200
    assert ALTERED in page_text(response)
    assert len(caplog.records) <= 2


def test_a_certificate_cut_short_is_unreadable(client, issued, caplog):
    """A certificate cut off inside its signature is a PDF we cannot read."""
    caplog.set_level(logging.INFO)
    response = upload(client, hostile_pdfs.truncated_in_signature(issued))
    assert response.status_code == 400
    assert UNREADABLE in page_text(response)
    [line] = reader_lines(caplog)
    assert line.levelno == logging.INFO


@pytest.mark.parametrize("seed", range(4))
def test_random_bytes_changed_in_the_signature_never_make_an_error(
    client, issued, caplog, seed
):
    """Bytes changed at random in the signature dictionary give one of the page's
    own answers (altered, unknown, or not readable), never a server error, and
    at most a couple of lines in the log."""
    caplog.set_level(logging.INFO)
    response = upload(client, hostile_pdfs.flipped_in_signature(issued, seed))
    text = page_text(response)
    answers = {
        400: [UNREADABLE],
        200: [ALTERED, "This file differs from every certificate we issued."],
    }
    assert response.status_code in answers
    assert any(answer in text for answer in answers[response.status_code])
    assert len(caplog.records) <= 2


def test_a_reader_that_runs_out_of_time_is_killed(client, issued, caplog, settings):
    """Past LMS_PDF_CHECK_SECONDS the reading process is killed and the visitor
    is told the file cannot be read (here even a genuine certificate, given a
    millisecond)."""
    caplog.set_level(logging.INFO)
    settings.LMS_PDF_CHECK_SECONDS = 0.001
    response = upload(client, issued)
    assert response.status_code == 400
    assert UNREADABLE in page_text(response)
    [line] = reader_lines(caplog)
    assert line.levelno == logging.WARNING
    assert "took longer than 0.001 s" in line.getMessage()


def test_a_reader_that_runs_out_of_memory_stops_there(client, caplog, settings):
    """A file that makes the reader build a million objects meets the memory
    limit: it stops there, and the visitor is told the file cannot be read."""
    caplog.set_level(logging.INFO)
    settings.LMS_PDF_CHECK_MEMORY_BYTES = 100 * MB
    settings.LMS_PDF_CHECK_SECONDS = 60
    response = upload(client, hostile_pdfs.long_array(1_000_000))
    assert response.status_code == 400
    assert UNREADABLE in page_text(response)
    [line] = reader_lines(caplog)
    assert line.levelno == logging.WARNING
    assert "needs more memory than allowed" in line.getMessage()
    assert line.peak_bytes <= 100 * MB


def test_an_empty_file_is_refused(client, no_reader):
    """An empty upload is refused by the form, without a reader."""
    response = upload(client, b"")
    assert response.status_code == 400
    assert "The submitted file is empty." in page_text(response)


def test_a_file_over_the_limit_keeps_no_more_than_the_limit(client, kept, no_reader):
    """A file a little over 10 MB is refused with the form's message; the
    handlers that keep files were given no more than the limit, and nothing is
    left in the temporary folder."""
    response = upload(client, b"%PDF-1.7\n" + b"0" * 10 * MB)
    assert response.status_code == 400
    assert TOO_LARGE in page_text(response)
    assert 0 < Keeper.bytes_given <= 10 * MB
    assert list(kept.iterdir()) == []


def test_a_body_declared_too_large_keeps_nothing(client, kept, settings, no_reader):
    """A body whose Content-Length is past the limit and the room for the form's
    other fields has its file refused before a byte of it is kept."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = upload(client, b"%PDF-1.7\n" + b"0" * (10 * MB + 100 * 1024))
    assert response.status_code == 400
    assert TOO_LARGE in page_text(response)
    assert Keeper.bytes_given == 0


def wsgi_post(path: str, body: bytes, **environ) -> tuple:
    """``body`` posted to ``path`` through the site's WSGI handler as a server
    hands it over, with ``environ`` added; returns (response, the input stream)."""
    stream = io.BytesIO(body)
    base = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_ACCEPT_LANGUAGE": "en",
        "CONTENT_TYPE": MULTIPART_CONTENT,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": stream,
        "wsgi.errors": io.StringIO(),
        "wsgi.multiprocess": True,
        "wsgi.multithread": False,
        "wsgi.run_once": False,
    }
    # As the test client does: this request carries no CSRF token.
    response = ClientHandler(enforce_csrf_checks=False)(base | environ)
    return response, stream


def large_body(size: int) -> bytes:
    """A multipart body with a PDF-like file of ``size`` bytes."""
    return encode_multipart(
        BOUNDARY, {"file": SimpleUploadedFile("c.pdf", b"%PDF-1.7\n" + b"0" * size)}
    )


def test_a_chunked_body_is_not_read_at_all(no_reader):
    """A body sent in chunks, without Content-Length, is never read: the form
    says a file is required."""
    response, stream = wsgi_post(
        VERIFY, large_body(20 * MB), HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 400
    assert "This field is required." in page_text(response)
    assert stream.tell() == 0


def test_a_body_longer_than_it_says_is_read_no_further(no_reader):
    """A body longer than its Content-Length is read only that far."""
    response, stream = wsgi_post(VERIFY, large_body(20 * MB), CONTENT_LENGTH="4096")
    assert response.status_code == 400
    assert stream.tell() <= 4096


def test_an_external_certificate_over_the_limit_is_refused_unkept(client, kept):
    """On the professional-development record a PDF over 10 MB is refused with
    the form's message, nothing is saved and no more than the limit was kept."""
    client.force_login(make_user())
    response = client.post(
        reverse("certificates:pd_record"),
        {
            "title": "Robotika",
            "provider": "LU",
            "hours": "12",
            "completed_on": "2025-05-05",
            "pdf": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 10 * MB),
        },
    )
    assert response.status_code == 400
    assert "The file is larger than 10 MB." in page_text(response)
    assert not ExternalCertificate.objects.exists()
    assert Keeper.bytes_given <= 10 * MB


def test_a_pdf_memory_limit_too_small_for_the_reader_is_named_at_start_up(settings):
    """A memory limit below what the reader itself needs is a start-up error that
    names the setting, not every certificate turned away later."""
    settings.LMS_PDF_CHECK_MEMORY_BYTES = 50 * MB
    [error] = check_settings()
    assert error.id == "courses.E002"
    assert error.msg.startswith("LMS_PDF_CHECK_MEMORY_BYTES must be a whole number")
