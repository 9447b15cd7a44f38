"""The staff screens in Wagtail's own patterns: one Reports menu, the Latvian
admin, labelled buttons, report choosers in the reader's language and date
filters that read the Latvian form."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from wagtail.actions.copy_for_translation import CopyPageForTranslationAction
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import CoursePage, Enrolment
from tests.courses.assessment_factories import make_assignment
from tests.factories import (
    in_english_admin,
    make_course_editor,
    make_course_tree,
    make_user,
    publish,
)

pytestmark = pytest.mark.django_db

RIGA = ZoneInfo("Europe/Riga")


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def in_latvian_admin(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "lv"
    profile.save()
    return user


def english_version(course: CoursePage) -> CoursePage:
    """The English translation of ``course``, published, titled "… (EN)"."""
    locale, _ = Locale.objects.get_or_create(language_code="en")
    copy = CopyPageForTranslationAction(course, locale, copy_parents=True).execute(
        skip_permission_checks=True
    )
    copy.title = f"{course.title} (EN)"
    return publish(copy)


def sidebar_menu(html: str) -> list[dict]:
    """The main menu's items as the sidebar receives them: label, name, children."""
    props = re.search(
        r'<script id="wagtail-sidebar-props" type="application/json">(.*?)</script>',
        html,
        re.S,
    )
    modules = json.loads(props.group(1))["modules"]
    [menu] = [m for m in modules if m["_type"] == "wagtail.sidebar.MainMenuModule"]

    def item(raw: dict) -> dict:
        args = raw["_args"]
        children = args[1] if raw["_type"] == "wagtail.sidebar.SubMenuItem" else []
        return {
            "label": args[0]["label"],
            "name": args[0]["name"],
            "url": args[0].get("url"),
            "children": [item(child) for child in children],
        }

    return [item(raw) for raw in menu["_args"][0]]


def test_course_reports_sit_in_wagtails_one_reports_menu():
    """The sidebar has one Reports entry; the course reports are inside it, each
    with a name of its own so that only the open one is highlighted."""
    course, _lessons = make_course_tree()
    client = admin_client(in_english_admin(make_course_editor(course)))
    menu = sidebar_menu(client.get("/admin/").content.decode())
    [reports] = [item for item in menu if item["label"] == "Reports"]
    assert reports["name"] == "reports"
    assert [(c["label"], c["url"]) for c in reports["children"]][:5] == [
        ("Progress", "/admin/reports/"),
        ("Modules", "/admin/reports/matrix/"),
        ("Cohorts and programme", "/admin/reports/summary/"),
        ("Competences", "/admin/reports/competences/"),
        ("E-learning results", "/admin/reports/activities/"),
    ]
    names = [c["name"] for c in reports["children"]]
    assert len(set(names)) == len(names) and "reports" not in names


def test_the_reports_menu_is_one_in_latvian_too():
    """A Latvian admin has one "Pārskati", holding the course reports."""
    course, _lessons = make_course_tree()
    client = admin_client(in_latvian_admin(make_course_editor(course)))
    menu = sidebar_menu(client.get("/admin/").content.decode())
    [reports] = [item for item in menu if item["label"] == "Pārskati"]
    assert reports["children"][0]["url"] == "/admin/reports/"


def test_staff_who_edit_no_course_see_no_course_reports():
    """The course reports are offered only to staff of a course."""
    user = in_english_admin(make_user(is_staff=True))
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client = admin_client(user)
    html = client.get("/admin/").content.decode()
    urls = [child["url"] for item in sidebar_menu(html) for child in item["children"]]
    assert "/admin/reports/" not in urls


def test_latvian_is_offered_as_the_admin_language():
    """Account → Preferred language lists "latviešu"."""
    user = in_english_admin(make_user(is_staff=True, is_superuser=True))
    html = admin_client(user).get("/admin/account/").content.decode()
    select = html[html.index('name="locale-preferred_language"') :]
    select = select[: select.index("</select>")]
    assert '<option value="lv">latviešu</option>' in select
    assert '<option value="en" selected>English</option>' in select


def test_a_user_who_prefers_latvian_gets_the_latvian_admin():
    """With Latvian chosen, the admin speaks Latvian even to an English browser."""
    course, _lessons = make_course_tree()
    user = in_latvian_admin(make_course_editor(course))
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    html = client.get("/admin/").content.decode()
    assert '<html lang="lv"' in html
    assert "Meklēt" in html and ">Search<" not in html
    account = client.get("/admin/account/").content.decode()
    assert '<option value="lv" selected>latviešu</option>' in account


def test_home_figures_sit_in_wagtails_site_summary():
    """The admin home's figures are items of Wagtail's summary list, in Latvian
    for a Latvian admin."""
    course, _lessons = make_course_tree()
    enrol(make_user(), course)
    client = admin_client(in_latvian_admin(make_course_editor(course)))
    html = client.get("/admin/").content.decode()
    summary = html[html.index('<ul class="w-summary__list">') :]
    summary = summary[: summary.index("</ul>")]
    items = re.findall(
        r'<li class="course-figure">.*?<a href="([^"]+)">([^<]+)</a>', summary, re.S
    )
    assert ("/admin/reports/", "1 aktīvs kurss") in items
    assert ("/admin/reports/", "1 dalībnieks") in items


def test_the_submission_download_button_carries_its_label():
    """The review page's download is a Wagtail icon button with the file's name."""
    course, _lessons = make_course_tree(modules=1, lessons=1)
    module = course.get_children().first().specific
    enrolment = enrol(make_user(), course)
    submission = submit_assignment(
        enrolment,
        make_assignment(module),
        upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n"),
    )
    reviewer = make_user(is_superuser=True)
    client = admin_client(in_english_admin(reviewer))
    html = client.get(f"/admin/assessment/submissions/{submission.pk}/").content
    button = re.search(
        r'<a class="button bicolor button--icon" href="[^"]+">(.*?)</a>',
        html.decode(),
        re.S,
    )
    assert '<span class="icon-wrapper">' in button.group(1)
    assert button.group(1).strip().endswith("Download plan.pdf")


# The reader's language version first --------------------------------------------


@pytest.fixture
def two_versions():
    """A Latvian course (sorting after its English title) and its English version."""
    latvian, _lessons = make_course_tree(modules=1, lessons=1, title="Ūdens pētījumi")
    return latvian, english_version(latvian)


@pytest.mark.parametrize("report", ["matrix", "competences"])
def test_a_course_report_opens_the_version_in_the_admin_language(two_versions, report):
    """Without a course chosen, the module and competence reports show the
    version in the reader's admin language."""
    latvian, english = two_versions
    editor = make_user(is_staff=True, is_superuser=True)
    for prefer, expected in (("lv", latvian), ("en", english)):
        profile = UserProfile.get_for_user(editor)
        profile.preferred_language = prefer
        profile.save()
        html = admin_client(editor).get(f"/admin/reports/{report}/").content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert expected.title in title, (prefer, title)


def test_the_bulk_issue_form_defaults_to_the_admin_language(two_versions):
    """The bulk issue form's course select starts on the reader's version."""
    latvian, english = two_versions
    editor = make_user(is_staff=True, is_superuser=True)
    for prefer, expected in ((in_latvian_admin, latvian), (in_english_admin, english)):
        html = admin_client(prefer(editor)).get("/admin/certificates/bulk/")
        options = re.findall(r'<option value="(\d+)"', html.content.decode())
        assert options[0] == str(expected.pk)


# Date filters --------------------------------------------------------------------


@pytest.fixture
def two_enrolments():
    course, _lessons = make_course_tree(modules=1, lessons=1)
    early = enrol(make_user(last_name="Agrā"), course)
    late = enrol(make_user(last_name="Vēlā"), course)
    for enrolment, day in ((early, 1), (late, 20)):
        Enrolment.objects.filter(pk=enrolment.pk).update(
            enrolled_at=datetime(2026, 12, day, 12, tzinfo=RIGA)
        )
    return course


@pytest.mark.parametrize("when", ["07.12.2026", "2026-12-07"])
def test_the_progress_report_reads_latvian_and_iso_dates(two_enrolments, when):
    """ "Enrolled from 07.12.2026" lists only the later learner, in any admin."""
    client = admin_client(in_english_admin(make_course_editor(two_enrolments)))
    response = client.get("/admin/reports/", {"enrolled_from": when})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vēlā" in html and "Agrā" not in html
    assert 'id="filter-errors"' not in html


def test_the_summary_reads_the_latvian_date_in_the_drawer(two_enrolments):
    """The summary filters in Wagtail's drawer, with its date picker's script,
    and counts only the enrolments from 07.12.2026."""
    client = admin_client(in_latvian_admin(make_course_editor(two_enrolments)))
    response = client.get("/admin/reports/summary/", {"enrolled_from": "07.12.2026"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="filters-drilldown"' in html
    assert "wagtailadmin/js/date-time-chooser.js" in html
    assert 'name="enrolled_from" value="07.12.2026"' in html
    programme = html[html.index('id="learners-reached"') :]
    assert programme.startswith('id="learners-reached">1</dd>')
    # The old form of its own is gone: one filter pattern across the reports.
    assert "report-filters" not in html


def test_an_impossible_date_is_refused_with_a_message(two_enrolments):
    """31.02.2026 is no date: the summary says so and shows no figures."""
    client = admin_client(in_english_admin(make_course_editor(two_enrolments)))
    response = client.get("/admin/reports/summary/", {"enrolled_from": "31.02.2026"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Enrolled between: Enter a valid date." in html
    assert 'id="learners-reached"' not in html


def test_the_admin_shows_no_gravatar():
    """Staff avatars are Wagtail's default picture: no page of the admin sends a
    hash of their e-mail address to gravatar.com."""
    html = admin_client(make_user(is_superuser=True)).get("/admin/").content.decode()
    assert 'class="avatar' in html
    assert "gravatar.com" not in html
