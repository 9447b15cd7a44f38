"""The e-mails learners enrolled from a CSV file get: links at the site's configured
address, and a new learner's link to choose a password and sign in."""

import re

import pytest
from django.core import mail
from django.test import Client

from courses.enrolment.csv_import import enrol_from_csv
from tests.courses.csv_enrolment_world import csv_bytes
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_at_testserver")]


def test_enrolment_email_links_are_at_the_configured_address(
    csv_course, enroller, settings, django_capture_on_commit_callbacks
):
    """With the site at http://127.0.0.1:8100, every link in the enrolment e-mails
    (choose a password, a new link, sign in, the course) is there."""
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100"
    make_user(email="esosa@skola.lv", password="Daugavpils-2026!")
    with django_capture_on_commit_callbacks(execute=True):
        enrol_from_csv(
            csv_bytes(
                "email;first name;last name",
                "jauna@skola.lv;Ieva;Liepa",
                "esosa@skola.lv;Anna;Ozola",
            ),
            csv_course,
            enroller,
        )
    links = {
        message.to[0]: re.findall(r"https?://\S+", message.body)
        for message in mail.outbox
    }
    course_url = "http://127.0.0.1:8100" + csv_course.url
    assert links["jauna@skola.lv"][-1] == links["esosa@skola.lv"][-1] == course_url
    assert (len(links["jauna@skola.lv"]), len(links["esosa@skola.lv"])) == (3, 2)
    assert all(
        link.startswith("http://127.0.0.1:8100/")
        for found in links.values()
        for link in found
    )


def test_set_password_link_in_the_email_opens_the_set_password_form(
    client, csv_course, enroller, django_capture_on_commit_callbacks
):
    """A new learner's e-mail links to a working set-password form, and the new
    password then lets them sign in."""
    with django_capture_on_commit_callbacks(execute=True):
        enrol_from_csv(
            csv_bytes("email;first name;last name", "jauna@skola.lv;Jolanta;Ūzuliņa"),
            csv_course,
            enroller,
        )
    [message] = mail.outbox
    assert message.to == ["jauna@skola.lv"]
    assert message.body.startswith("Labdien!\n")
    assert "Jolanta" not in message.body
    assert (
        "Pierakstoties izmantojiet savu e-pasta adresi jauna@skola.lv." in message.body
    )
    link = re.search(
        r"http://testserver(/\S+/accounts/password/reset/key/\S+/)", message.body
    )
    assert link, message.body

    response = client.get(link.group(1), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="password1"' in html
    assert 'name="password2"' in html

    response = client.post(
        response.redirect_chain[-1][0],
        {"password1": "Daugavpils-2026!", "password2": "Daugavpils-2026!"},
    )
    assert response.status_code == 302
    # Choosing the password from the e-mailed link confirmed the address: signing
    # in by e-mail leads to the learner's courses, not to "confirm your address".
    response = Client().post(
        "/en/accounts/login/",
        {"login": "JAUNA@skola.lv", "password": "Daugavpils-2026!"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/my/"
