"""Site administrators register platforms in the admin (in Latvian here), see the
addresses to paste into the platform, keep the deployment ids in step, and read
the score passbacks with "send again" for a failed one; other staff get none of
it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.utils import timezone

from courses.integrations.models import OutboxStatus
from courses.lti.models import (
    LtiDeployment,
    LtiGradeLink,
    LtiIdentity,
    LtiRegistration,
    LtiResourceLink,
    LtiScorePassback,
)
from tests.factories import (
    make_cohort,
    make_course,
    make_programme_admin,
    make_tutor,
    make_user,
)

pytestmark = pytest.mark.django_db

SITE = "https://kursi.example.lv"


@pytest.fixture(autouse=True)
def public_address(settings) -> None:
    settings.WAGTAILADMIN_BASE_URL = SITE


@pytest.fixture
def admin_client() -> Client:
    """A superuser whose admin speaks the site's language, Latvian."""
    client = Client()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


def text(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def form(**changes) -> dict:
    return {
        "name": "LU Moodle",
        "issuer": "https://estudijas.lu.lv",
        "client_id": "abc123",
        "auth_login_url": "https://estudijas.lu.lv/mod/lti/auth.php",
        "auth_token_url": "https://estudijas.lu.lv/mod/lti/token.php",
        "keyset_url": "https://estudijas.lu.lv/mod/lti/certs.php",
        "is_active": "on",
        "deployment_ids": "3\n7\n",
        **changes,
    }


def test_an_administrator_registers_a_platform_and_sees_what_to_paste(admin_client):
    course = make_course(title="Digitālās prasmes")
    cohort = make_cohort(course, name="LU, pavasaris")

    response = admin_client.post(
        "/admin/lti_registrations/new/",
        form(trust_emails="on", cohort_per_context="on", cohort=cohort.pk),
    )

    assert response.status_code == 302
    registration = LtiRegistration.objects.get()
    assert registration.trust_emails and registration.cohort_per_context
    assert not registration.instructors_are_staff
    assert registration.cohort == cohort
    assert sorted(registration.deployments.values_list("deployment_id", flat=True)) == [
        "3",
        "7",
    ]
    page = admin_client.get(f"/admin/lti_registrations/edit/{registration.pk}/")
    html = page.content.decode()
    assert "Platformas administratoram" in text(page)
    assert f"{SITE}/lti/launch/" in html
    assert f"{SITE}/lti/{registration.uuid}/login/" in html
    assert f"{SITE}/lti/jwks/" in html
    assert f"{SITE}/lti/{registration.uuid}/config.json" in html
    assert "Digitālās prasmes: LU, pavasaris" in html
    assert re.search(r"<textarea[^>]*>\s*3\n7</textarea>", html)


def test_the_new_form_speaks_latvian(admin_client):
    page = text(admin_client.get("/admin/lti_registrations/new/"))

    assert "Izvietojumu ID" in page
    assert "Pēc saglabāšanas šīs reģistrācijas lapā būs redzamas adreses" in page
    assert "Uzticēties platformas e-pasta adresēm" in page
    assert "Deployment IDs" not in page


def test_the_listing_shows_each_platform(admin_client, registration):
    LtiDeployment.objects.create(registration=registration, deployment_id="2")
    link = LtiResourceLink.objects.create(
        deployment=registration.deployments.get(deployment_id="1"),
        resource_link_id="rl-1",
    )

    page = text(admin_client.get("/admin/lti_registrations/"))

    assert "LTI platformas" in page
    assert "Pievienot platformu" in page
    assert "Pievienot LTI" not in page
    assert "University Moodle" in page
    assert "https://moodle.example.edu" in page
    row = page[page.index("University Moodle") :]
    assert row.split()[3:6] == ["Jā", "2", "Tikko"]
    assert link.updated_at is not None


def test_editing_the_lines_adds_and_removes_deployments(admin_client, registration):
    LtiDeployment.objects.create(registration=registration, deployment_id="old")

    response = admin_client.post(
        f"/admin/lti_registrations/edit/{registration.pk}/",
        form(
            issuer=registration.issuer,
            client_id=registration.client_id,
            deployment_ids=" 1 \n\nnew\n1\n",
        ),
    )

    assert response.status_code == 302
    assert sorted(registration.deployments.values_list("deployment_id", flat=True)) == [
        "1",
        "new",
    ]


def test_a_deployment_with_links_is_not_removed(admin_client, registration):
    deployment = registration.deployments.get()
    LtiResourceLink.objects.create(deployment=deployment, resource_link_id="rl-1")

    response = admin_client.post(
        f"/admin/lti_registrations/edit/{registration.pk}/",
        form(
            name="Renamed",
            issuer=registration.issuer,
            client_id=registration.client_id,
            deployment_ids="9",
        ),
    )

    assert response.status_code == 200
    assert "nevar noņemt" in text(response)
    assert "Paturiet 1 vai izslēdziet reģistrāciju" in text(response)
    registration.refresh_from_db()
    assert registration.name == "University Moodle"
    assert list(registration.deployments.values_list("deployment_id", flat=True)) == [
        "1"
    ]


def test_a_registration_with_launched_links_is_not_deleted(admin_client, registration):
    LtiResourceLink.objects.create(
        deployment=registration.deployments.get(), resource_link_id="rl-1"
    )

    response = admin_client.post(
        f"/admin/lti_registrations/delete/{registration.pk}/", follow=True
    )

    assert "nevar izdzēst" in text(response)
    assert LtiRegistration.objects.filter(pk=registration.pk).exists()
    assert LtiResourceLink.objects.count() == 1


def test_the_same_client_twice_is_a_form_error(admin_client, registration):
    response = admin_client.post(
        "/admin/lti_registrations/new/",
        form(issuer=registration.issuer, client_id=registration.client_id),
    )

    assert response.status_code == 200
    assert LtiRegistration.objects.count() == 1
    assert not LtiDeployment.objects.filter(deployment_id="7").exists()


@pytest.mark.parametrize("role", ["programme_admin", "tutor"])
def test_other_staff_get_no_access(role, registration):
    staff = (
        make_programme_admin()
        if role == "programme_admin"
        else make_tutor(make_cohort(make_course()))
    )
    client = Client()
    client.force_login(staff)

    for url in [
        "/admin/lti_registrations/",
        f"/admin/lti_registrations/edit/{registration.pk}/",
        "/admin/lti_passbacks/",
    ]:
        response = client.get(url, follow=True)
        assert response.redirect_chain == [("/admin/", 302)], url
        assert "University Moodle" not in text(response)
    response = client.post(
        f"/admin/lti_registrations/edit/{registration.pk}/", form(name="Mine")
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.name == "University Moodle"
    assert "LTI" not in text(client.get("/admin/"))


def _passback(registration, status: str, error: str = "") -> LtiScorePassback:
    course = make_course(title="Datu drošība")
    learner = make_user(first_name="Ilze", last_name="Ozola")
    identity = LtiIdentity.objects.create(
        issuer=registration.issuer, subject="7", user=learner
    )
    link = LtiResourceLink.objects.create(
        deployment=registration.deployments.get(),
        resource_link_id="rl-1",
        course_key=course.translation_key,
        lineitem_url="https://moodle.example.edu/mod/lti/services.php/2/lineitems/5",
    )
    grade_link = LtiGradeLink.objects.create(
        resource_link=link, identity=identity, user=learner
    )
    return LtiScorePassback.objects.create(
        grade_link=grade_link,
        event_key="lti.score:1:85:InProgress",
        payload={"scoreGiven": 85, "scoreMaximum": 100, "userId": "7"},
        status=status,
        attempts=12,
        last_error=error,
        next_attempt_at=timezone.now(),
    )


def test_the_passbacks_show_each_score_and_send_a_failed_one_again(
    admin_client, registration
):
    row = _passback(registration, OutboxStatus.FAILED, "401 Unauthorized")

    page = text(admin_client.get(f"/admin/lti_passbacks/?platform={registration.pk}"))

    html = admin_client.get("/admin/lti_passbacks/").content.decode()
    assert f'action="/admin/lti_passbacks/send-again/{row.pk}/"' in html
    for shown in [
        "Ilze Ozola",
        "University Moodle",
        "Datu drošība",
        "85 / 100",
        "401 Unauthorized",
        "12",
    ]:
        assert shown in page
    response = admin_client.post(
        f"/admin/lti_passbacks/send-again/{row.pk}/", follow=True
    )
    assert "ierindots atkārtotai nosūtīšanai" in text(response)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 0)


def test_a_delivered_passback_is_not_sent_again(admin_client, registration):
    row = _passback(registration, OutboxStatus.DELIVERED)

    page = admin_client.get("/admin/lti_passbacks/").content.decode()
    assert "Ilze Ozola" in page
    assert f"/admin/lti_passbacks/send-again/{row.pk}/" not in page
    response = admin_client.post(
        f"/admin/lti_passbacks/send-again/{row.pk}/", follow=True
    )
    assert "nav neizdevusies" in text(response)
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboxStatus.DELIVERED, 12)


def test_other_staff_cannot_send_again(registration):
    row = _passback(registration, OutboxStatus.FAILED)
    client = Client()
    client.force_login(make_programme_admin())

    response = client.post(f"/admin/lti_passbacks/send-again/{row.pk}/")

    # Wagtail's admin answers a refusal with its home page and an error message.
    assert (response.status_code, response.url) == (302, "/admin/")
    row.refresh_from_db()
    assert row.status == OutboxStatus.FAILED
