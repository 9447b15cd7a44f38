"""E-learning activities in the admin: a course author uploads a package with
the activity's rule, is told why a bad package is refused (nothing is stored),
and replaces the package with a new version that learners who began keep
apart."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from courses.activities.models import Activity, ActivityAttempt, Package
from courses.enrolment.enrolling import enrol
from courses.roles import ensure_course_authors_group
from tests.activities.package_builders import h5p_zip, scorm12_zip, scorm2004_zip
from tests.activities.stored import make_activity, stored_files, upload
from tests.factories import in_english_admin, make_course_tree, make_user

pytestmark = pytest.mark.django_db

ADD = "wagtailsnippets_courses_activity:add"
EDIT = "wagtailsnippets_courses_activity:edit"
LIST = "wagtailsnippets_courses_activity:list"


@pytest.fixture
def author(client):
    user = in_english_admin(make_user(username="author"))
    user.groups.add(ensure_course_authors_group())
    client.force_login(user)
    return user


def form(package: bytes | None = None, **fields) -> dict:
    data = {"title": "Water cycle", "rule": "completed", "min_score": "", **fields}
    if package is not None:
        data["package_file"] = upload(package)
    return data


def errors_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_an_author_adds_an_activity_from_a_scorm_package(client, author):
    """The package is stored by its hash, the activity plays it, and the listing
    shows its format."""
    response = client.post(
        reverse(ADD), form(scorm12_zip(title="Ūdens cikls"), rule="score", min_score=70)
    )
    assert response.status_code == 302
    activity = Activity.objects.get()
    package = activity.package
    assert (activity.title, activity.rule, activity.min_score) == (
        "Water cycle",
        "score",
        70,
    )
    assert (package.kind, package.title, package.uploaded_by) == (
        "scorm12",
        "Ūdens cikls",
        author,
    )
    assert f"{package.digest}/index.html" in stored_files()
    listing = client.get(reverse(LIST)).content.decode()
    assert "Water cycle" in listing
    assert "SCORM 1.2" in listing


def test_a_bad_package_is_refused_with_its_reason(client, author):
    """The validator's message is shown on the file field; no activity, package
    or file is made."""
    bad = scorm12_zip(extra_files={"api/save.php": "<?php ?>"})
    html = errors_of(client.post(reverse(ADD), form(bad)))
    assert "“api/save.php” is a type of file a package may not contain." in html
    assert (Activity.objects.count(), Package.objects.count()) == (0, 0)
    assert stored_files() == []


def test_a_package_is_required_to_add_an_activity(client, author):
    """Without a file there is nothing to play."""
    html = errors_of(client.post(reverse(ADD), form()))
    assert "This field is required." in html
    assert Activity.objects.count() == 0


def test_the_score_rule_needs_a_minimum(client, author):
    """ "The score reaches the minimum" without a minimum is refused, and the
    package is not stored."""
    html = errors_of(client.post(reverse(ADD), form(h5p_zip(), rule="score")))
    assert "give the minimum score" in html
    assert (Package.objects.count(), stored_files()) == (0, [])


def test_a_package_over_the_upload_limit_is_refused_as_it_arrives(
    client, author, settings
):
    """A file past LMS_PACKAGE_MAX_BYTES is refused by the upload's own form
    with its size, and nothing of it is stored."""
    settings.LMS_PACKAGE_MAX_BYTES = 1000
    html = errors_of(client.post(reverse(ADD), form(scorm2004_zip())))
    assert "a package may be at most 1000\xa0bytes." in html
    assert (Activity.objects.count(), Package.objects.count()) == (0, 0)


def test_the_edit_screen_shows_the_package_in_use(client, author):
    """Its format, title, size and launch file are shown, read-only."""
    activity = make_activity(scorm2004_zip(title="Energy transfer"))
    html = client.get(reverse(EDIT, args=[activity.pk])).content.decode()
    assert "<dt>Format</dt><dd>SCORM 2004</dd>" in html
    assert "<dt>Title in the package</dt><dd>Energy transfer</dd>" in html
    assert "<dt>Launch file</dt><dd>index.html</dd>" in html
    assert "Upload a new version to replace the package." in html


def test_a_new_version_is_a_new_package_and_attempts_keep_theirs(client, author):
    """Uploading a new file on edit points the activity at a new package; a
    learner's attempt keeps the version it began with, whose files stay."""
    activity = make_activity(scorm12_zip(title="Version 1"))
    first = activity.package
    course, _lessons = make_course_tree(modules=1, lessons=1)
    enrolment = enrol(make_user(), course)
    attempt = ActivityAttempt.objects.create(
        enrolment=enrolment, activity=activity, package=first
    )
    response = client.post(
        reverse(EDIT, args=[activity.pk]), form(scorm12_zip(title="Version 2"))
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    attempt.refresh_from_db()
    assert activity.package.title == "Version 2"
    assert activity.package != first
    assert attempt.package == first
    assert f"{first.digest}/index.html" in stored_files()


def test_editing_without_a_file_keeps_the_package(client, author):
    """Changing the rule alone leaves the package as it is."""
    activity = make_activity()
    package = activity.package
    response = client.post(
        reverse(EDIT, args=[activity.pk]), form(rule="passed", title="Renamed")
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.rule, activity.package) == (
        "Renamed",
        "passed",
        package,
    )
    assert Package.objects.count() == 1


def test_a_lesson_offers_the_activity_in_whole_sentences(client, author):
    """The lesson editor's chooser names the e-learning activity."""
    _course, lessons = make_course_tree(modules=1, lessons=1)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[lessons[0].pk]))
    assert "Choose an e-learning activity" in html.content.decode()


def test_an_activity_learners_have_tried_is_not_deleted(client):
    """Deleting an activity with attempts is refused with a message: learners'
    records are never lost with it."""
    client.force_login(in_english_admin(make_user(is_superuser=True)))
    activity = make_activity(title="Energy")
    course, _lessons = make_course_tree(modules=1, lessons=1)
    ActivityAttempt.objects.create(
        enrolment=enrol(make_user(), course),
        activity=activity,
        package=activity.package,
    )
    url = reverse("wagtailsnippets_courses_activity:delete", args=[activity.pk])
    response = client.post(url, follow=True)
    assert "Energy cannot be deleted: learners' records refer to it." in (
        html.unescape(response.content.decode())
    )
    assert Activity.objects.filter(pk=activity.pk).exists()


def test_a_latvian_author_is_told_the_activity_was_created(client):
    """Wagtail's "created" names the record in a sentence that agrees with any
    model's gender: "Ieraksts „…” (E-mācību aktivitāte) ir izveidots."."""
    from wagtail.users.models import UserProfile

    user = make_user(username="autore")
    user.groups.add(ensure_course_authors_group())
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "lv"
    profile.save()
    client.force_login(user)
    response = client.post(
        reverse(ADD), form(scorm12_zip(), title="Ūdens cikls"), follow=True
    )
    assert "Ieraksts „Ūdens cikls” (E-mācību aktivitāte) ir izveidots." in (
        response.content.decode()
    )
