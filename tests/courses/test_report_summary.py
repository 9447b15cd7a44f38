"""The cohorts-and-programme summary: completion figures on a known dataset,
certificates through the extension point, the admin home's headline figures and
reach by municipality."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.enrolment.enrolling import enrol
from courses.models import (
    Enrolment,
    LearnerProfile,
)
from courses.reports import summary as report_summary
from tests.certificates.conftest import make_template
from tests.courses.report_world import (
    REPORT_URL,
    at,
    course_editor,
)
from tests.factories import (
    make_cohort,
    make_course_tree,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_summary_figures_on_a_known_dataset(client):
    """Completion rate counts withdrawals as not completed, and the median days
    to complete is taken over completions only."""
    make_template(is_default=True)
    course, _lessons = make_course_tree(modules=1, lessons=1)
    cohort = make_cohort(course, name="Rudens")
    days = [10, 20, 40, None, None]
    for n, took in enumerate(days):
        enrolment = enrol(make_user(), course, cohort if n < 3 else None)
        completed = at(1) + timedelta(days=took) if took else None
        Enrolment.objects.filter(pk=enrolment.pk).update(
            enrolled_at=at(1),
            completed_at=completed,
            status="completed" if took else ("withdrawn" if n == 4 else "active"),
            hours_earned=Decimal(12) if took else Decimal(0),
        )
    summary = report_summary.programme_summary(
        Enrolment.objects.filter(course_key=course.translation_key)
    )
    total = summary.total
    assert (total.enrolled, total.active, total.completed, total.withdrawn) == (
        5,
        1,
        3,
        1,
    )
    assert total.completion_rate == 60.0
    assert total.median_days == 20.0
    assert total.hours_delivered == Decimal(36)
    assert (summary.learners, summary.teachers) == (5, 3)
    rudens = next(row for row in summary.cohorts if row.label == "Rudens")
    assert (rudens.completed, rudens.completion_rate, rudens.median_days) == (
        3,
        100.0,
        20.0,
    )
    client.force_login(course_editor(course))
    html = client.get(f"{REPORT_URL}summary/").content.decode()
    assert "60.0 %" in html and "20.0" in html and "<svg" in html


def test_summary_counts_certificates_through_the_extension_point(school):
    """Certificates issued and revoked appear among the summary's figures."""
    summary = report_summary.programme_summary(
        Enrolment.objects.filter(course_key=school["course"].translation_key)
    )
    assert summary.total.figures == {
        "certificates_issued": 1,
        "certificates_revoked": 0,
    }
    liga = school["liga"]
    issue_certificate(liga, how=Certificate.How.MANUAL, reason="Test")
    Certificate.objects.filter(enrolment=liga).update(status="revoked")
    summary = report_summary.programme_summary(Enrolment.objects.all())
    assert summary.total.figures == {
        "certificates_issued": 1,
        "certificates_revoked": 1,
    }


def test_home_summary_shows_figures_and_links(school, client):
    """The admin home's site summary (Wagtail's own list) shows the course team's
    headline figures, each a link to its report."""
    client.force_login(course_editor(school["course"]))
    html = client.get("/admin/").content.decode()
    summary = html[html.index('class="w-summary__list"') :]
    summary = summary[: summary.index("</ul>")]
    progress, report = reverse("reports:progress"), reverse("reports:summary")
    assert f'<a href="{progress}">1 active course</a>' in summary
    assert f'<a href="{progress}">3 learners</a>' in summary  # still enrolled
    assert f'<a href="{report}">Certificates issued: 1</a>' in summary
    assert "course-reports" not in html  # no home-made panel besides


def test_reach_by_municipality_counts_each_teacher_once(client):
    """Teachers reached, completions and hours per municipality of the school; a
    teacher in two courses counts once; those who gave none are "Not given"."""
    first, _l = make_course_tree(modules=1, lessons=1, title="Robotics")
    second, _l = make_course_tree(modules=1, lessons=1, title="Biology")
    people = {}
    for name, municipality in (
        ("ilze", "ogre"),
        ("juris", "ogre"),
        ("liene", "riga"),
        ("maris", ""),
    ):
        people[name] = make_user(username=name)
        if municipality:
            LearnerProfile.objects.create(user=people[name], municipality=municipality)
    for name, course, hours in (
        ("ilze", first, 12),
        ("ilze", second, 8),
        ("juris", first, 0),
        ("liene", second, 8),
        ("maris", first, 12),
    ):
        enrolment = enrol(people[name], course)
        if hours:
            Enrolment.objects.filter(pk=enrolment.pk).update(
                status="completed", completed_at=at(2), hours_earned=Decimal(hours)
            )
    rows = report_summary.reach_by_municipality(Enrolment.objects.all())
    assert [
        (row.label, row.teachers, row.completed, row.hours_delivered) for row in rows
    ] == [
        ("Ogres novads", 2, 1, Decimal(20)),
        ("Rīga", 1, 1, Decimal(8)),
        ("Not given", 1, 1, Decimal(12)),
    ]
    client.force_login(course_editor(first))
    html = client.get(f"{REPORT_URL}summary/").content.decode()
    table = html[html.index('id="municipality-summary"') :]
    # Staff of Robotics see its teachers only: not Liene, who took Biology.
    assert '<th scope="row">Ogres novads</th><td>2</td><td>1</td><td>12</td>' in table
    assert '<th scope="row">Not given</th><td>1</td><td>1</td><td>12</td>' in table
    assert "Rīga" not in table
