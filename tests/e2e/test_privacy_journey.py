"""A data-protection request in a real browser: the teacher downloads their data;
an administrator erases them from the user list; their certificate still
verifies, without the name."""

from __future__ import annotations

import pytest

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from tests.certificates.conftest import make_template
from tests.e2e.conftest import expect, sign_in, sign_in_admin
from tests.e2e.test_journeys import PASSWORD, completed, english_catalogue, make_admin
from tests.factories import make_course_tree

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

__all__ = ["english_catalogue"]


def test_a_teacher_is_erased_and_their_certificate_still_verifies(new_page):
    make_template(is_default=True)
    course, lessons = make_course_tree(modules=1, lessons=1, title="Robotics")
    enrolment = completed(course, lessons, email="jolanta@skola.lv")
    certificate = Certificate.objects.filter(enrolment=enrolment).first() or (
        issue_certificate(enrolment, how=Certificate.How.MANUAL, reason="Register")
    )
    make_admin()

    teacher = new_page()
    sign_in(teacher, "jolanta@skola.lv", PASSWORD)
    teacher.goto("/en/my/")
    with teacher.expect_download() as download:
        teacher.get_by_role("link", name="Download my data").click()
    assert download.value.suggested_filename.endswith(".zip")

    admin = new_page()
    sign_in_admin(admin, "inese", PASSWORD)
    admin.goto(f"/admin/accounts/{enrolment.user_id}/erase/")
    expect(admin.get_by_role("heading", name="Erase personal data")).to_be_visible()
    expect(
        admin.get_by_role("cell", name="The certificates issued to you", exact=False)
    ).to_be_visible()
    expect(
        admin.get_by_text("kept as a record that names nobody").first
    ).to_be_visible()
    admin.get_by_label("Why").fill("Erasure request 2026/15")
    admin.get_by_label("Type the e-mail address to confirm").fill("jolanta@skola.lv")
    admin.get_by_role("button", name="Erase this person's data").click()
    expect(
        admin.get_by_text(f"The personal data of user {enrolment.user_id} was erased.")
    ).to_be_visible()

    visitor = new_page()
    visitor.goto(certificate.get_absolute_url())
    expect(
        visitor.get_by_text(
            "This certificate is valid; its holder's details were erased on request."
        )
    ).to_be_visible()
    expect(visitor.get_by_text(certificate.serial).first).to_be_visible()
    assert "Ūzuliņa" not in visitor.content()
