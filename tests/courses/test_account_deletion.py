"""Deleting a learner's account in the admin: refused with reasons, never a server
error, nothing half-deleted."""

import pytest
from django.contrib.auth import get_user_model

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.enrolment.enrolling import enrol
from courses.models import Enrolment
from courses.progress.recording import record_lesson_completed
from tests.certificates.conftest import make_template
from tests.factories import in_english_admin, make_course_tree, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    user = in_english_admin(make_user(is_staff=True, is_superuser=True))
    client.force_login(user)
    return user


def learner_with_certificate():
    make_template()
    course, lessons = make_course_tree(modules=1, lessons=1)
    learner = make_user(first_name="Jolanta", last_name="Ūzuliņa")
    enrolment = enrol(learner, course)
    record_lesson_completed(enrolment, lessons[0])
    if not Certificate.objects.exists():
        issue_certificate(enrolment, how=Certificate.How.MANUAL, reason="Paper")
    return learner


def test_delete_page_names_what_holds_the_learner(client, admin):
    """The delete page of an enrolled learner says what holds the account and
    offers to deactivate it, not "Yes, delete"."""
    learner = learner_with_certificate()
    html = client.get(f"/admin/users/delete/{learner.pk}/").content.decode()
    assert "Jolanta Ūzuliņa cannot be deleted" in html
    assert "1 enrolment" in html
    assert "1 certificate" in html
    assert "Deactivate the account" in html
    assert "Yes, delete" not in html


def test_posting_the_delete_changes_nothing(client, admin):
    """A forged delete request keeps the account and every record."""
    learner = learner_with_certificate()
    response = client.post(f"/admin/users/delete/{learner.pk}/")
    assert response.status_code == 200
    assert "cannot be deleted" in response.content.decode()
    assert get_user_model().objects.filter(pk=learner.pk).exists()
    assert Enrolment.objects.filter(user=learner).count() == 1
    assert Certificate.objects.filter(user=learner).count() == 1


def test_deactivating_keeps_the_records_and_stops_sign_in(client, admin):
    """Deactivating from the refusal page stops sign-in and keeps the records."""
    learner = learner_with_certificate()
    response = client.post(f"/admin/accounts/{learner.pk}/deactivate/", follow=True)
    assert "can no longer sign in; their records are kept" in response.content.decode()
    learner.refresh_from_db()
    assert not learner.is_active
    assert Certificate.objects.filter(user=learner).exists()


def test_bulk_delete_deletes_none_while_one_holds_records(client, admin):
    """Bulk-deleting a learner with records and an unused account deletes neither
    and names the learner."""
    learner = learner_with_certificate()
    unused = make_user(username="unused")
    response = client.post(
        f"/admin/bulk/auth/user/delete/?id={learner.pk}&id={unused.pk}"
        "&next=/admin/users/",
        follow=True,
    )
    html = response.content.decode()
    assert "1 account was not deleted because it holds learning records." in html
    assert "Jolanta Ūzuliņa cannot be deleted" in html
    assert get_user_model().objects.filter(pk__in=[learner.pk, unused.pk]).count() == 2


def test_an_account_without_records_is_deleted(client, admin):
    """A person with no learning records is deleted as usual."""
    unused = make_user(username="unused")
    response = client.post(f"/admin/users/delete/{unused.pk}/")
    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=unused.pk).exists()


def test_deactivating_needs_the_right_to_delete_users(client):
    """A course author cannot deactivate accounts."""
    learner = learner_with_certificate()
    author = make_user(is_staff=False)
    from django.contrib.auth.models import Permission

    author.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(author)
    response = client.post(f"/admin/accounts/{learner.pk}/deactivate/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    learner.refresh_from_db()
    assert learner.is_active
