"""Every public page carries the site's stylesheet: without it a revoked
certificate looks exactly like a valid one, in plain Times."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.templatetags.static import static
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from certificates.issuing import issue_certificate, revoke
from certificates.models import Certificate
from tests.certificates.conftest import completed_enrolment, make_template
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db


def head_of(html: str) -> str:
    return html[: html.index("</head>")]


def has_stylesheet(html: str) -> bool:
    href = re.escape(static("courses/css/lms.css"))
    return bool(re.search(rf'<link rel="stylesheet" href="{href}">', head_of(html)))


def has_icon(html: str) -> bool:
    """Whether the page names its icon, so the browser does not ask for
    /favicon.ico (a 404, and an error in the console, on every first visit)."""
    href = re.escape(static("courses/favicon.svg"))
    return bool(re.search(rf'<link rel="icon" href="{href}"', head_of(html)))


@pytest.fixture
def certificates():
    """A valid certificate and a revoked one."""
    make_template(is_default=True)
    valid = issue_certificate(completed_enrolment(), how=Certificate.How.AUTOMATIC)
    revoked = issue_certificate(completed_enrolment(), how=Certificate.How.AUTOMATIC)
    revoke(revoked, "Issued by mistake.")
    return valid, revoked


def public_pages(client: Client, valid: Certificate, revoked: Certificate) -> dict:
    """Each public page's status and HTML, by name."""
    make_catalogue()
    pdf = valid.pdf.open("rb").read()
    responses = {
        "verification, valid": client.get(valid.get_absolute_url()),
        "verification, revoked": client.get(revoked.get_absolute_url()),
        "verification, unknown code": client.get(
            "/verify/ABCD-EFGH-JKMN/", follow=True
        ),
        "verification form": client.get("/verify/"),
        "file check": client.post(
            "/verify/file/",
            {"file": SimpleUploadedFile("c.pdf", pdf, "application/pdf")},
        ),
        "sign-in": client.get("/lv/accounts/login/"),
        "sign-up": client.get("/lv/accounts/signup/"),
        "password reset": client.get("/lv/accounts/password/reset/"),
        "catalogue": client.get("/lv/"),
        "page not found": client.get("/lv/no-such-page/"),
        "server error": server_error(RequestFactory().get("/")),
    }
    return {
        name: (response.status_code, response.content.decode())
        for name, response in responses.items()
    }


def test_every_public_page_links_the_sites_stylesheet(certificates):
    """Verification (valid, revoked, unknown), the file check, sign-in, sign-up,
    password reset, the catalogue and both error pages link the stylesheet and
    the site's icon."""
    pages = public_pages(Client(HTTP_ACCEPT_LANGUAGE="lv"), *certificates)
    statuses = {name: status for name, (status, _html) in pages.items()}
    assert statuses == {
        **dict.fromkeys(pages, 200),
        "verification, unknown code": 404,
        "page not found": 404,
        "server error": 500,
    }
    missing = [name for name, (_s, html) in pages.items() if not has_stylesheet(html)]
    assert missing == []
    without_icon = [name for name, (_s, html) in pages.items() if not has_icon(html)]
    assert without_icon == []


def test_the_verification_page_keeps_its_noindex_beside_the_stylesheet(certificates):
    """The verification pages add their robots rule to the site's head, not
    instead of it, and a revoked certificate is marked as such."""
    _valid, revoked = certificates
    html = Client().get(revoked.get_absolute_url()).content.decode()
    head = head_of(html)
    assert has_stylesheet(html)
    assert '<meta name="robots" content="noindex">' in head
    assert '<div class="message message--error" role="alert">' in html


def test_the_check_fails_on_a_page_without_the_stylesheet():
    """The check itself tells a bare page from a styled one."""
    assert not has_stylesheet("<html><head><title>x</title></head><body></body>")
    link = f'<link rel="stylesheet" href="{static("courses/css/lms.css")}">'
    assert has_stylesheet(f"<html><head>{link}</head><body></body>")
