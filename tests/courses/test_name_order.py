"""Lists of people read in Latvian order in both admin languages: the reports,
their downloads, the enrolment and submission listings, the register and the
tutor chooser ("Ābele" after "Abele", "Čakste" after "Cers", "Šmits" after
"Sproģis", "Žagars" after "Zariņš")."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import connection
from wagtail.users.models import UserProfile

from courses.assignments.submissions import submit_assignment
from courses.collation import in_latvian_order, sorted_latvian
from courses.enrolment.enrolling import enrol
from courses.models import Cohort, Enrolment
from courses.reports.listing import ReportListingView
from tests.courses.assessment_factories import make_assignment
from tests.courses.report_world import REPORT_URL
from tests.courses.test_report_exports import both
from tests.factories import (
    in_english_admin,
    make_cohort,
    make_course_tree,
    make_live_session,
    make_programme_admin,
    make_tutor,
    make_user,
)

pytestmark = pytest.mark.django_db

#: Learners in Latvian order, enrolled in another.
IN_ORDER = [
    ("Laura", "Abele"),
    ("Anna", "Ābele"),
    ("Oskars", "Abels"),
    ("Rita", "Cers"),
    ("Jānis", "Čakste"),
    ("Marta", "Sproģis"),
    ("Pēteris", "Šmits"),
    ("Kārlis", "Zariņš"),
    ("Ilze", "Žagars"),
]
NAMES = [f"{first} {last}" for first, last in IN_ORDER]
ENROLLED = [IN_ORDER[i] for i in (8, 6, 1, 4, 0, 7, 3, 5, 2)]


def shown(text: str) -> list[str]:
    """The learners' names ``text`` shows, in the order it shows them."""
    return sorted((name for name in NAMES if name in text), key=text.index)


@pytest.fixture
def course():
    """A course whose learners enrolled in no particular order."""
    course, _lessons = make_course_tree(modules=1, lessons=1)
    cohort = make_cohort(course, name="Rudens")
    for first, last in ENROLLED:
        enrol(make_user(first_name=first, last_name=last), course, cohort)
    return course


@pytest.fixture(params=["lv", "en"])
def staff(request, course):
    """A programme administrator whose admin speaks Latvian, then English."""
    user = make_programme_admin(first_name="", last_name="")
    if request.param == "en":
        return in_english_admin(user)
    UserProfile.objects.update_or_create(
        user=user, defaults={"preferred_language": "lv"}
    )
    return user


def test_the_progress_report_pages_through_learners_in_latvian_order(
    staff, client, monkeypatch
):
    """Four to a page, every learner once, in Latvian order, and reversed when
    the learner column is sorted the other way."""
    monkeypatch.setattr(ReportListingView, "paginate_by", 4)
    client.force_login(staff)

    def pages(**query) -> list[str]:
        names = []
        for page in (1, 2, 3):
            html = client.get(REPORT_URL, {"p": page, **query}).content.decode()
            names += shown(html)
        return names

    assert pages() == NAMES
    assert pages(ordering="-user__last_name") == NAMES[::-1]


def test_the_progress_downloads_list_learners_in_latvian_order(staff, client):
    """The CSV and the XLSX list the learners as the page does."""
    client.force_login(staff)
    rows = both(client, "")
    assert [row[0] for row in rows[1:]] == NAMES
    rows = both(client, "", ordering="-user__last_name")
    assert [row[0] for row in rows[1:]] == NAMES[::-1]


def test_the_module_matrix_and_its_download_are_in_latvian_order(staff, client, course):
    client.force_login(staff)
    html = client.get(f"{REPORT_URL}matrix/", {"course": course.pk}).content
    assert shown(html.decode()) == NAMES
    rows = both(client, "matrix/", course=course.pk)
    assert [row[0] for row in rows[1:]] == NAMES
    rows = both(client, "competences/", course=course.pk)
    assert [row[0] for row in rows[1:]] == NAMES


def test_the_enrolment_listing_sorts_learners_in_latvian_order(staff, client):
    client.force_login(staff)
    url = "/admin/learners/enrolments/"
    html = client.get(url, {"ordering": "user__last_name"}).content.decode()
    assert shown(html) == NAMES
    html = client.get(url, {"ordering": "-user__last_name"}).content.decode()
    assert shown(html) == NAMES[::-1]


def test_the_submission_listing_sorts_learners_in_latvian_order(course, client):
    """A tutor's submissions to review, sorted by learner."""
    assignment = make_assignment(course.get_children().first().specific)
    for enrolment in Enrolment.objects.all():
        submit_assignment(
            enrolment, assignment, upload=ContentFile(b"%PDF-1.7\n", "a.pdf")
        )
    client.force_login(make_tutor(Cohort.objects.get(), first_name="", last_name=""))
    url = "/admin/assessment/submissions/"
    html = client.get(url, {"ordering": "enrolment__user__last_name"}).content
    assert shown(html.decode()) == NAMES
    html = client.get(url, {"ordering": "-enrolment__user__last_name"}).content
    assert shown(html.decode()) == NAMES[::-1]


def test_the_register_lists_learners_in_latvian_order(staff, client, course):
    session = make_live_session(course.get_children().first().specific)
    staff.user_permissions.add(
        Permission.objects.get(codename="take_attendance"),
    )
    client.force_login(staff)
    url = f"/admin/snippets/courses/livesession/register/{session.pk}/"
    assert shown(client.get(url).content.decode()) == NAMES


def test_the_tutor_chooser_offers_staff_in_latvian_order(staff, client):
    """A cohort's tutors are chosen from a list of staff in Latvian order."""
    access = Permission.objects.get(codename="access_admin")
    for first, last in ENROLLED:
        make_user(first_name=first, last_name=last).user_permissions.add(access)
    client.force_login(staff)
    html = client.get("/admin/snippets/courses/cohort/add/").content.decode()
    assert shown(html[html.index('name="tutors"') :]) == NAMES


def test_the_database_and_python_agree_on_latvian_order():
    """What the database sorts (ICU on PostgreSQL, the registered collation on
    SQLite) is what :func:`sorted_latvian` sorts, accents and case included."""
    from django.contrib.auth import get_user_model

    surnames = ["Ābele", "abele", "Abele", "Ābels", "Yolanda", "Irbe", "Īrisa"]
    surnames += ["Wolf", "Vilks", "Xena", "Čakste", "Cers", "Öberg", "Oberg"]
    surnames += ["Ozols", "Ōzols", "Zeltiņa-Liepa", "Zeltiņa Liepa", "Zeltiņš"]
    for surname in surnames:
        make_user(last_name=surname)
    ordered = list(
        get_user_model()
        .objects.filter(last_name__in=surnames)
        .order_by(*in_latvian_order("last_name"))
        .values_list("last_name", flat=True)
    )
    assert ordered == sorted_latvian(surnames), connection.vendor
