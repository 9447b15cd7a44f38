"""The course team's roles: what ``setup_roles`` makes, and what each role sees
(a person in several roles has the rights of all of them)."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management import call_command
from wagtail.documents.permissions import permission_policy as document_policy
from wagtail.images.permissions import permission_policy as image_policy
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
)

from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from courses.live_sessions.attendance import mark_attendance
from courses.models import Attendance
from courses.permissions import (
    EDIT_COURSE,
    REVIEW_SUBMISSION,
    VIEW_PROGRESS,
    courses_for,
    may,
    may_review_submissions,
)
from courses.roles import (
    COURSE_AUTHORS,
    PROGRAMME_ADMINISTRATORS,
    SITE_ADMINISTRATORS,
    TUTORS,
    ensure_course_authors_group,
    ensure_roles,
)
from tests.courses.assessment_factories import make_assignment
from tests.factories import (
    in_english_admin,
    make_cohort,
    make_course,
    make_course_tree,
    make_live_session,
    make_module,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client):
    user = make_user(username="author")
    user.groups.add(ensure_course_authors_group())
    client.force_login(user)
    return user


def in_role(user, role: str):
    ensure_roles()
    user.groups.add(Group.objects.get(name=role))
    return in_english_admin(user)


def grants(group: Group) -> tuple:
    """Everything a group holds: permissions, page and collection permissions."""
    return (
        sorted(group.permissions.values_list("content_type__app_label", "codename")),
        sorted(
            GroupPagePermission.objects.filter(group=group).values_list(
                "page_id", "permission__codename"
            )
        ),
        sorted(
            GroupCollectionPermission.objects.filter(group=group).values_list(
                "collection__name", "permission__codename"
            )
        ),
    )


def test_author_can_edit_course_pages(client, author):
    """A course author opens the page editor for courses and modules."""
    course = make_course()
    module = make_module(course)
    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{module.pk}/edit/").status_code == 200
    assert (
        client.get(f"/admin/pages/add/courses/lessonpage/{module.pk}/").status_code
        == 200
    )


def test_author_cannot_manage_users_groups_or_settings(client, author):
    """User management, groups and site settings stay closed to course authors."""
    for url in ("/admin/users/", "/admin/groups/", "/admin/sites/", "/admin/locales/"):
        response = client.get(url)
        # Wagtail's admin sends a user without the permission to its home page.
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url


def test_author_writes_quizzes_and_uploads_images_and_documents(client, author):
    """The author's tools are all there: the quiz and assignment forms, and the
    Images and Documents screens, uploading into the Courses collection."""
    for url in (
        "/admin/snippets/courses/quiz/add/",
        "/admin/snippets/courses/assignment/add/",
        "/admin/images/multiple/add/",
        "/admin/documents/multiple/add/",
    ):
        assert client.get(url).status_code == 200, url
    home = client.get("/admin/").content.decode()
    assert 'href="/admin/images/"' in home
    assert 'href="/admin/documents/"' in home
    for policy in (image_policy, document_policy):
        collections = policy.collections_user_has_permission_for(author, "add")
        assert [c.name for c in collections] == ["Kursi"]


def test_setup_roles_makes_four_groups_and_is_repeatable():
    """Running ``setup_roles`` twice gives the same four groups holding the
    same rights, and keeps a site administrator's narrowing of the authors'
    pages to one course."""
    call_command("setup_roles", stdout=io.StringIO())
    names = [COURSE_AUTHORS, TUTORS, PROGRAMME_ADMINISTRATORS, SITE_ADMINISTRATORS]
    groups = {name: Group.objects.get(name=name) for name in names}
    course = make_course()
    GroupPagePermission.objects.filter(group=groups[COURSE_AUTHORS]).update(page=course)
    before = {name: grants(group) for name, group in groups.items()}
    output = io.StringIO()
    call_command("setup_roles", stdout=output)
    assert Group.objects.filter(name__in=names).count() == 4
    assert {name: grants(groups[name]) for name in names} == before
    assert f'Group "{TUTORS}" is ready.' in output.getvalue()
    authors = before[COURSE_AUTHORS]
    assert ("courses", "add_quiz") in authors[0]
    assert {page for page, _codename in authors[1]} == {course.pk}
    assert ("Kursi", "add_image") in authors[2]
    assert Collection.objects.filter(name="Kursi").count() == 1
    programme = before[PROGRAMME_ADMINISTRATORS][0]
    assert ("certificates", "revoke_certificate") in programme
    assert ("courses", "export_personal_data") in programme
    assert ("courses", "export_personal_data") not in authors[0]


def test_the_roles_of_a_migrated_site_are_added_to_not_replaced():
    """A group a site already had keeps what it held when setup_roles runs."""
    authors = ensure_course_authors_group()
    extra = Group.objects.get(name=COURSE_AUTHORS).permissions.model.objects.get(
        codename="delete_quiz"
    )
    authors.permissions.add(extra)
    ensure_roles()
    assert authors.permissions.filter(codename="delete_quiz").exists()


@pytest.fixture
def two_cohorts():
    """A course with two cohorts, a learner and a submission in each."""
    course, lessons = make_course_tree(modules=1, lessons=1, title="Fizika")
    module = lessons[0].get_parent().specific
    assignment = make_assignment(module)
    taught, other = make_cohort(course, name="Rīga"), make_cohort(course, name="Cēsis")
    mine = make_user(first_name="Anna", last_name="Kalna", email="anna@example.lv")
    theirs = make_user(first_name="Pēteris", last_name="Lejas", email="p@example.lv")
    enrolments = [
        enrol(mine, course, cohort=taught),
        enrol(theirs, course, cohort=other),
    ]
    submissions = [
        submit_assignment(e, assignment, upload=ContentFile(b"%PDF-1.7\n", "a.pdf"))
        for e in enrolments
    ]
    return course, module, taught, enrolments, submissions


def test_a_tutor_sees_and_reviews_only_their_cohorts_learners(client, two_cohorts):
    """A tutor of one cohort finds its learner in the submissions, the progress
    report and the register, and none of another cohort's; reviewing that
    other learner's work is refused."""
    _course, module, taught, (mine, theirs), (ours, other) = two_cohorts
    tutor = in_role(make_user(username="tutor"), TUTORS)
    taught.tutors.add(tutor)
    client.force_login(tutor)

    listing = client.get("/admin/assessment/submissions/").content.decode()
    assert "Anna Kalna" in listing
    assert "Pēteris Lejas" not in listing
    assert client.get(f"/admin/assessment/submissions/{ours.pk}/").status_code == 200
    refused = client.get(f"/admin/assessment/submissions/{other.pk}/")
    # Wagtail's admin answers a refusal with its home page and a message.
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert may_review_submissions(tutor, mine)
    assert not may_review_submissions(tutor, theirs)

    report = client.get("/admin/reports/").content.decode()
    assert "Anna Kalna" in report
    assert "Pēteris Lejas" not in report

    session = make_live_session(module)
    mark_attendance(session, theirs, Attendance.Status.PRESENT)
    register = client.get(
        f"/admin/snippets/courses/livesession/register/{session.pk}/"
    ).content.decode()
    assert "Anna Kalna" in register
    assert "Pēteris Lejas" not in register
    # Scheduling stays with the course's authors.
    edit = f"/admin/snippets/courses/livesession/edit/{session.pk}/"
    assert client.get(edit).status_code == 302


def test_a_person_in_two_roles_has_the_rights_of_both(client, two_cohorts):
    """An author of one course who tutors a cohort of another edits the first
    and reviews that cohort's work in the second, and nothing more."""
    course, _module, taught, (mine, theirs), _submissions = two_cohorts
    written = make_course(title="Ķīmija")
    person = in_role(make_user(username="both"), COURSE_AUTHORS)
    person.groups.add(Group.objects.get(name=TUTORS))
    GroupPagePermission.objects.filter(group__name=COURSE_AUTHORS).update(page=written)
    taught.tutors.add(person)

    assert may(person, EDIT_COURSE, written)
    assert not may(person, EDIT_COURSE, course)
    assert set(courses_for(person, VIEW_PROGRESS)) == {written, course}
    assert list(courses_for(person, REVIEW_SUBMISSION)) == [course]
    assert may_review_submissions(person, mine)
    assert not may_review_submissions(person, theirs)
    client.force_login(person)
    assert client.get(f"/admin/pages/{written.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code == 302
    assert client.get("/admin/assessment/submissions/").status_code == 200


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_an_author_sees_reports_without_learners_email_addresses(client, two_cohorts):
    """The progress report and its CSV show a course author names and progress
    but no e-mail column and no address; a programme administrator gets both."""
    course = two_cohorts[0]
    author = in_role(make_user(username="author"), COURSE_AUTHORS)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.force_login(author)
    page = client.get("/admin/reports/").content.decode()
    assert "Anna Kalna" in page
    assert "anna@example.lv" not in page
    assert "E-mail" not in page
    header, *rows = _csv_rows(client.get("/admin/reports/export/csv/"))
    assert "E-mail" not in header
    assert "Learner" in header
    assert sorted(row[header.index("Learner")] for row in rows) == [
        "Anna Kalna",
        "Pēteris Lejas",
    ]
    assert not any("@" in cell for row in rows for cell in row)
    # Nor can an address be guessed through the search.
    found = client.get("/admin/reports/", {"search": "anna@example"}).content.decode()
    assert "Anna Kalna" not in found

    programme = in_role(make_user(username="programme"), PROGRAMME_ADMINISTRATORS)
    client.force_login(programme)
    header, *rows = _csv_rows(
        client.get("/admin/reports/export/csv/", {"course": course.pk})
    )
    emails = sorted(row[header.index("E-mail")] for row in rows)
    assert emails == ["anna@example.lv", "p@example.lv"]


def test_an_author_no_longer_issues_certificates_or_enrols(client, author):
    """What belongs to programme administrators is closed to a course author."""
    make_course()
    for url in (
        "/admin/certificates/",
        "/admin/certificates/issue/",
        "/admin/learners/enrol-from-csv/",
        "/admin/api-tokens/",
        "/admin/assessment/submissions/",
    ):
        response = client.get(url)
        # Wagtail's admin answers a refusal with its home page and a message.
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url
