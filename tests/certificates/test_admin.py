"""Staff screens: the scoped listing, issuing, revoking, bulk progress and ZIP."""

from __future__ import annotations

import io
import zipfile

import pytest

from certificates.issuing import issue_certificate
from certificates.models import BulkIssueJob, Certificate
from tests.certificates.conftest import completed_enrolment, pdf_text
from tests.factories import make_course_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_courses(template):
    mine_course, mine_lessons = make_course_tree(modules=1, lessons=1)
    other_course, other_lessons = make_course_tree(modules=1, lessons=1)
    mine = issue_certificate(
        completed_enrolment(mine_course, mine_lessons, last_name="Bērziņa"),
        how=Certificate.How.AUTOMATIC,
    )
    other = issue_certificate(
        completed_enrolment(other_course, other_lessons, last_name="Kalniņa"),
        how=Certificate.How.AUTOMATIC,
    )
    return mine, other


def test_listing_shows_only_the_staffs_courses(client, two_courses, course_staff):
    """Staff see the certificates of their courses, and no others."""
    mine, other = two_courses
    client.force_login(course_staff(mine.course))
    html = client.get("/admin/certificates/").content.decode()
    assert mine.serial in html
    assert other.serial not in html
    html = client.get("/admin/certificates/", {"q": "Bērziņa"}).content.decode()
    assert mine.serial in html


def test_manual_issue_screen_needs_a_reason(client, template, course_staff):
    """The issue form refuses an empty reason and issues with one."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    enrolment = completed_enrolment(course, lessons, email="liga@example.edu")
    client.force_login(course_staff(course))
    response = client.post(
        "/admin/certificates/issue/",
        {"course": course.pk, "email": "liga@example.edu", "reason": ""},
    )
    assert response.status_code == 200
    assert not Certificate.objects.exists()
    response = client.post(
        "/admin/certificates/issue/",
        {"course": course.pk, "email": "liga@example.edu", "reason": "Paper records"},
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.issue_reason == "Paper records"


def test_revoke_screen_records_the_reason(client, two_courses, course_staff):
    """Revoking from the admin keeps the certificate, revoked, with the reason."""
    mine, other = two_courses
    staff = course_staff(mine.course)
    client.force_login(staff)
    assert client.get(f"/admin/certificates/{other.pk}/revoke/").status_code == 404
    client.post(
        f"/admin/certificates/{mine.pk}/revoke/",
        {
            "reason": "Duplicate",
            "category": "replaced",
            "public_note": "See the newer certificate.",
        },
    )
    mine.refresh_from_db()
    assert mine.status == Certificate.Status.REVOKED
    assert mine.revoked_by == staff
    assert mine.revocation_reason == "Duplicate"
    assert mine.revocation_category == Certificate.RevocationCategory.REPLACED
    assert mine.revocation_public_note == "See the newer certificate."


def test_bulk_issue_runs_and_its_progress_survives_a_reload(
    client, template, course_staff
):
    """The bulk form starts a job; its page and status show the finished count."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    for _ in range(3):
        completed_enrolment(course, lessons)
    client.force_login(course_staff(course))
    with_callbacks = client.post("/admin/certificates/bulk/", {"course": course.pk})
    job = BulkIssueJob.objects.get()
    assert with_callbacks["Location"] == f"/admin/certificates/bulk/{job.pk}/"
    status = client.get(f"/admin/certificates/bulk/{job.pk}/status/").json()
    assert status["total"] == 3
    page = client.get(f"/admin/certificates/bulk/{job.pk}/").content.decode()
    # Wagtail's progress bar, and the page's own title with its course.
    assert (
        '<div class="progress active w-mb-2" role="progressbar" '
        'aria-label="Bulk issue progress" aria-valuemin="0" aria-valuemax="3" '
        'aria-valuenow="0">'
    ) in page
    assert '<div class="bar" style="width: 0%">0%</div>' in page
    heading = " ".join(page[page.index("<h1") : page.index("</h1>")].split())
    assert heading.endswith(f"> Bulk issue: {course.title}")


def test_bulk_task_issues_and_reports(template, django_capture_on_commit_callbacks):
    """The bulk task issues every completed learner's certificate once."""
    from certificates.bulk import start_bulk_issue
    from certificates.tasks import bulk_issue

    course, lessons = make_course_tree(modules=1, lessons=1)
    for _ in range(3):
        completed_enrolment(course, lessons)
    job = start_bulk_issue(course, None, actor=None)
    assert bulk_issue.call(job.pk) == 3
    job.refresh_from_db()
    assert (job.status, job.issued, job.percent) == ("finished", 3, 100)


def test_zip_holds_the_courses_pdfs(client, two_courses, course_staff):
    """The ZIP of a course holds its valid certificates' PDFs, and no others."""
    mine, other = two_courses
    client.force_login(course_staff(mine.course))
    response = client.get(
        "/admin/certificates/zip/download/", {"course": mine.course.pk}
    )
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    [name] = archive.namelist()
    assert mine.serial in name
    assert mine.serial in pdf_text(archive.read(name))
    response = client.get(
        "/admin/certificates/zip/download/", {"course": other.course.pk}
    )
    assert response.status_code == 404


def test_template_preview_renders_a_sample_pdf(client, template):
    """The template's sample PDF shows the sample learner."""
    admin = make_user(is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(
        f"/admin/snippets/certificates/certificatetemplate/sample/{template.pk}/"
    )
    assert response["Content-Type"] == "application/pdf"
    assert "Jolanta Ūzuliņa" in pdf_text(response.content)


def test_admin_screens_open(client, two_courses):
    """Every certificates screen opens for an administrator."""
    mine, _other = two_courses
    client.force_login(make_user(is_superuser=True, is_staff=True))
    template = mine.template
    for url in [
        "/admin/certificates/",
        "/admin/certificates/issue/",
        "/admin/certificates/bulk/",
        "/admin/certificates/zip/",
        f"/admin/certificates/{mine.pk}/reissue/",
        "/admin/snippets/certificates/certificatetemplate/",
        f"/admin/snippets/certificates/certificatetemplate/edit/{template.pk}/",
        "/admin/snippets/certificates/certificatetemplate/add/",
        "/admin/snippets/certificates/coursecertificatesettings/",
        "/admin/snippets/certificates/coursecertificatesettings/add/",
    ]:
        assert client.get(url).status_code == 200, url


def test_reissue_screen_previews_the_changes_before_it_reissues(
    client, two_courses, course_staff
):
    """Staff see the name and corrections beside the current text, then confirm."""
    import re

    mine, _other = two_courses
    user = mine.user
    user.first_name, user.last_name = "Jolanta", "Ūzuliņa"
    user.save()
    client.force_login(course_staff(mine.course))
    url = f"/admin/certificates/{mine.pk}/reissue/"
    html = client.get(url).content.decode()
    assert "Jolanta Ūzuliņa" in html and mine.learner_name in html

    form = {"reason": "Title misspelt", "course_title_lv": "Labots", "hours": "10"}
    html = client.post(url, form).content.decode()
    assert Certificate.objects.count() == 2  # nothing issued before confirming
    table = html.split("data-reissue-preview", 1)[1].split("</table>", 1)[0]
    assert "<strong>Labots</strong>" in table and mine.course_title in table
    assert "<strong>10</strong>" in table
    [previewed] = re.findall(r'name="previewed" value="(\w+)"', html)

    # Changed after the preview: previewed again, not issued.
    client.post(url, {**form, "hours": "11", "previewed": previewed})
    assert Certificate.objects.count() == 2

    response = client.post(url, {**form, "previewed": previewed})
    assert response.status_code == 302
    new = Certificate.objects.get(supersedes=mine)
    assert (new.course_title, new.hours) == ("Labots", 10)
    assert new.learner_name == "Jolanta Ūzuliņa"
    assert "„Labots” 10 akadēmisko" in " ".join(pdf_text(new.pdf.read()).split())


def test_bulk_job_page_counts_revoked_learners_apart(client, template, course_staff):
    """The bulk summary says how many were revoked and not issued again."""
    from certificates.bulk import run_bulk_issue, start_bulk_issue
    from certificates.issuing import revoke

    course, lessons = make_course_tree(modules=1, lessons=1)
    enrolment = completed_enrolment(course, lessons)
    revoke(issue_certificate(enrolment, how=Certificate.How.AUTOMATIC), "x", actor=None)
    completed_enrolment(course, lessons)
    job = run_bulk_issue(start_bulk_issue(course, None, actor=None))
    client.force_login(course_staff(course))
    html = client.get(f"/admin/certificates/bulk/{job.pk}/").content.decode()
    assert "1 issued · 0 had one already · 1 revoked, not re-issued · 0 failed" in html
    status = client.get(f"/admin/certificates/bulk/{job.pk}/status/").json()
    assert (status["issued"], status["revoked"], status["done"]) == (1, 1, 2)
