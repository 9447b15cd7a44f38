"""The teacher's professional-development record: the 3-year window, the page,
its downloads, the API and refusing bad input."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.issuing import issue_certificate, reissue, revoke
from certificates.models import Certificate, ExternalCertificate
from certificates.pd_record.window import (
    counted_hours,
    counts_on,
    first_day_not_counted,
    shortfall_date,
    window_start,
)
from courses.dates import print_date
from tests.certificates.conftest import completed_enrolment, pdf_text
from tests.factories import make_user

RECORD = "/certificates/record/"
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def make_external(user, **kwargs) -> ExternalCertificate:
    kwargs.setdefault("title", "Digitālās prasmes skolotājiem")
    kwargs.setdefault("provider", "Rīgas Tehniskā universitāte")
    kwargs.setdefault("hours", Decimal(12))
    kwargs.setdefault("completed_on", timezone.localdate() - timedelta(days=30))
    return ExternalCertificate.objects.create(user=user, **kwargs)


def site_certificate(completed_on: date) -> Certificate:
    """A valid 12-hour certificate of this site whose period ends on ``completed_on``."""
    certificate = issue_certificate(
        completed_enrolment(), how=Certificate.How.AUTOMATIC
    )
    certificate.snapshot["period"]["end"] = completed_on.isoformat()
    Certificate.objects.filter(pk=certificate.pk).update(snapshot=certificate.snapshot)
    return certificate


def form_data(**kwargs) -> dict:
    kwargs.setdefault("title", "STEM metodika")
    kwargs.setdefault("provider", "Daugavpils Universitāte")
    kwargs.setdefault("hours", "8")
    kwargs.setdefault("completed_on", (timezone.localdate()).isoformat())
    kwargs.setdefault("verification_url", "")
    return kwargs


# The window, as pure functions


def test_window_starts_three_years_back_and_includes_both_ends():
    """Hours completed exactly three years ago still count; a day earlier do not."""
    today = date(2026, 12, 3)
    assert window_start(today) == date(2023, 12, 3)
    assert counts_on(date(2023, 12, 3), today)
    assert not counts_on(date(2023, 12, 2), today)
    assert counts_on(today, today)
    assert not counts_on(today + timedelta(days=1), today)


def test_leap_day_window_starts_on_28_february():
    """On 29 February 2028 the window starts on 28 February 2025, not 1 March."""
    assert window_start(date(2028, 2, 29)) == date(2025, 2, 28)
    assert counts_on(date(2025, 2, 28), date(2028, 2, 29))
    assert not counts_on(date(2025, 2, 27), date(2028, 2, 29))


def test_hours_of_a_leap_day_count_until_28_february_three_years_on():
    """Hours of 29 February 2024 count until 28 February 2027, inclusive."""
    assert counts_on(date(2024, 2, 29), date(2027, 2, 28))
    assert first_day_not_counted(date(2024, 2, 29)) == date(2027, 3, 1)
    # 28 February 2025 still counts on 29 February 2028, so it drops out on 1 March.
    assert first_day_not_counted(date(2025, 2, 28)) == date(2028, 3, 1)
    assert first_day_not_counted(date(2023, 12, 3)) == date(2026, 12, 4)


def test_first_day_not_counted_agrees_with_the_window_every_day():
    """For four years of days, the drop-out day is the first day the window excludes."""
    day = date(2023, 1, 1)
    while day < date(2027, 1, 1):
        out = first_day_not_counted(day)
        assert counts_on(day, out - timedelta(days=1)) and not counts_on(day, out)
        day += timedelta(days=1)


def test_shortfall_is_today_when_short_and_the_drop_out_day_when_not():
    """Short now → today; on track → the day the oldest hours that matter drop out."""
    today = date(2026, 12, 3)
    assert shortfall_date([(date(2026, 1, 1), Decimal(30))], today) == today
    entries = [
        (date(2024, 1, 10), Decimal(12)),
        (date(2025, 5, 1), Decimal(24)),
        (date(2026, 6, 1), Decimal(6)),
        (date(2020, 1, 1), Decimal(100)),  # long outside the window
    ]
    assert counted_hours(entries, today) == Decimal(42)
    # Losing the 12 hours of 10 January 2024 leaves 30: short from 11 January 2027.
    assert shortfall_date(entries, today) == date(2027, 1, 11)


# The page


@pytest.mark.django_db
def test_page_needs_sign_in(client):
    """An anonymous visitor is sent to sign in."""
    response = client.get(RECORD)
    assert response.status_code == 302 and "login" in response["Location"]


@pytest.mark.django_db
def test_page_shows_short_state_with_site_and_external_hours(client, template):
    """12 site hours and 12 external ones are 24 of 36: short by 12 hours now."""
    certificate = site_certificate(timezone.localdate() - timedelta(days=100))
    make_external(certificate.user)
    client.force_login(certificate.user)
    html = client.get(RECORD).content.decode()
    assert "Short by 12 hours now: 24 of 36 hours in the last 3 years." in html
    assert certificate.course_title in html
    assert "Rīgas Tehniskā universitāte" in html
    assert "My professional development" in html


@pytest.mark.django_db
def test_page_shows_on_track_and_the_date_hours_would_fall_short(client):
    """36 hours → on track, with the day the oldest hours drop out."""
    user = make_user()
    oldest = timezone.localdate() - timedelta(days=400)
    make_external(user, hours=Decimal(20), completed_on=oldest, title="Vecākais kurss")
    make_external(user, hours=Decimal(16))
    make_external(
        user,
        hours=Decimal(50),
        completed_on=timezone.localdate() - timedelta(days=3 * 366 + 5),
        title="Senais kurss",
    )
    client.force_login(user)
    response = client.get(RECORD)
    drop = first_day_not_counted(oldest)
    html = response.content.decode()
    assert "On track: 36 of 36 hours in the last 3 years." in html
    assert f"short from {print_date(drop, 'en')}." in html
    assert "Older than 3 years" in html  # the 50 hours, shown but not counted


@pytest.mark.django_db
def test_revoked_certificates_do_not_count(client, template):
    """A revoked certificate is not counted."""
    certificate = site_certificate(timezone.localdate() - timedelta(days=10))
    revoke(certificate, reason="Issued by mistake.")
    client.force_login(certificate.user)
    html = client.get(RECORD).content.decode()
    assert "Short by 36 hours now: 0 of 36" in html
    assert certificate.course_title not in html


@pytest.mark.django_db
def test_a_reissued_certificate_counts_once(client, template):
    """After a re-issue (a name corrected), the hours count once: from the new
    certificate, not also from the one it superseded."""
    certificate = site_certificate(timezone.localdate() - timedelta(days=10))
    new = reissue(certificate, reason="Name corrected.")
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUPERSEDED
    client.force_login(certificate.user)
    html = client.get(RECORD).content.decode()
    assert "Short by 24 hours now: 12 of 36" in html
    assert new.serial in html
    assert certificate.serial not in html


@pytest.mark.django_db
def test_expired_certificate_still_counts(client, template):
    """Expiry of a certificate does not undo the hours it states."""
    certificate = site_certificate(timezone.localdate() - timedelta(days=10))
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(certificate.user)
    assert "12 of 36" in client.get(RECORD).content.decode()


@pytest.mark.django_db
def test_another_teachers_entries_never_appear_and_cannot_be_deleted(client):
    """One's own record only; deleting someone else's entry is a 404."""
    mine, theirs = make_user(), make_user()
    other = make_external(theirs, title="Svešs kurss")
    client.force_login(mine)
    assert "Svešs kurss" not in client.get(RECORD).content.decode()
    response = client.post(reverse("certificates:pd_record_delete", args=[other.pk]))
    assert response.status_code == 404
    assert ExternalCertificate.objects.filter(pk=other.pk).exists()
    file_url = reverse("certificates:pd_record_file", args=[other.pk])
    assert client.get(file_url).status_code == 404
    api = client.get("/api/v1/me/professional-development").json()
    assert api["entries"] == []


@pytest.mark.django_db
def test_teacher_adds_and_deletes_an_entry_with_a_pdf(
    client, django_capture_on_commit_callbacks
):
    """A valid form saves the entry under an unguessable name; delete removes it."""
    user = make_user()
    client.force_login(user)
    upload = SimpleUploadedFile("Jolanta Ūzuliņa.pdf", PDF_BYTES)
    response = client.post(
        RECORD,
        form_data(pdf=upload, verification_url="https://example.lv/check/1"),
        follow=True,
    )
    assert "The certificate was added to your record." in response.content.decode()
    external = ExternalCertificate.objects.get(user=user)
    assert "Ūzuliņa" not in external.pdf.name and external.pdf.name.endswith(".pdf")
    file_response = client.get(
        reverse("certificates:pd_record_file", args=[external.pk])
    )
    assert b"".join(file_response.streaming_content) == PDF_BYTES
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("certificates:pd_record_delete", args=[external.pk]), follow=True
        )
    assert "removed from your record" in response.content.decode()
    assert not ExternalCertificate.objects.exists()
    assert not external.pdf.storage.exists(external.pdf.name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hours": "-5"}, "Enter a number of hours greater than 0."),
        ({"hours": "1200"}, "No programme is longer than 1000 hours"),
        (
            {"completed_on": "2999-01-01"},
            "The date is in the future; enter the day you completed it.",
        ),
        (
            {"verification_url": "javascript:alert(1)"},
            "Enter an address that starts with http:// or https://.",
        ),
        (
            {"verification_url": "ftp://example.lv/cert"},
            "Enter an address that starts with http:// or https://.",
        ),
        (
            {"pdf": SimpleUploadedFile("cert.pdf", b"<html>not a pdf</html>")},
            "This file is not a PDF.",
        ),
        (
            {"pdf": SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 10 * 1024 * 1024)},
            "The file is larger than 10 MB.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    client, changes, message
):
    """Bad hours, dates, links or files show why and save nothing."""
    client.force_login(make_user())
    response = client.post(RECORD, form_data(**changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert message.replace("'", "&#x27;") in html
    assert "The certificate was not added." in html
    assert not ExternalCertificate.objects.exists()


@pytest.mark.django_db
def test_page_query_count_does_not_grow_with_entries(client, template):
    """The page reads the record in a fixed number of queries."""
    certificate = site_certificate(timezone.localdate() - timedelta(days=5))
    client.force_login(certificate.user)
    make_external(certificate.user)
    client.get(RECORD)  # warm caches (site, content version)
    with CaptureQueriesContext(connection) as few:
        client.get(RECORD)
    for n in range(5):
        make_external(certificate.user, title=f"Kurss {n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(RECORD)
    assert response.status_code == 200
    assert len(many) == len(few) <= 6, [q["sql"] for q in many]


# Downloads and the API


@pytest.mark.django_db
def test_pdf_summary_states_the_figures_and_entries(client):
    """The PDF names the teacher, the state and each entry, Latvian letters intact."""
    user = make_user(first_name="Jolanta", last_name="Ūzuliņa")
    make_external(user, hours=Decimal("7.5"))
    client.force_login(user)
    response = client.get(reverse("certificates:pd_record_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Jolanta Ūzuliņa" in text
    assert "Short by 28.5 hours now" in text
    assert "Rīgas Tehniskā universitāte" in text


@pytest.mark.django_db
def test_csv_has_a_row_per_entry(client, template):
    """The CSV lists site and external certificates with hours, date and whether they count."""
    certificate = site_certificate(date(2026, 1, 15))
    make_external(
        certificate.user, title="=HYPERLINK(1)", completed_on=date(2020, 5, 5)
    )
    client.force_login(certificate.user)
    response = client.get(reverse("certificates:pd_record_csv"))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Programme", "Provider", "Academic hours", "Completed on"]
    assert rows[1][2:] == ["12", "2026-01-15", "This site", "yes"]
    assert rows[2] == [
        "'=HYPERLINK(1)",
        "Rīgas Tehniskā universitāte",
        "12",
        "2020-05-05",
        "Added by you",
        "no",
    ]


@pytest.mark.django_db
def test_api_returns_the_same_figures(client, template):
    """GET /api/v1/me/professional-development gives the hours, state and entries."""
    certificate = site_certificate(timezone.localdate() - timedelta(days=1))
    make_external(certificate.user, hours=Decimal(30))
    client.force_login(certificate.user)
    data = json.loads(client.get("/api/v1/me/professional-development").content)
    assert data["hours"] == 42
    assert data["required_hours"] == 36
    assert data["on_track"] is True
    assert data["short_by"] == 0
    assert data["status"].startswith("On track: 42 of 36 hours")
    assert [entry["source"] for entry in data["entries"]] == ["site", "external"]
    assert data["entries"][0]["verification_url"].endswith(
        certificate.get_absolute_url()
    )


@pytest.mark.django_db
def test_api_needs_sign_in(client):
    """Anonymous callers get 401."""
    assert client.get("/api/v1/me/professional-development").status_code == 401
