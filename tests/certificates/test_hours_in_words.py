"""The hours in a certificate's e-mail and in its Open Badge agree with their
number in both languages ("21 akadēmiskā stunda", "36 akadēmiskās stundas",
"1 academic hour"), with the decimal comma in Latvian."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import translation

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from certificates.printed import hours_in_words
from courses.people.languages import remember_language
from tests.certificates.conftest import completed_enrolment
from tests.certificates.open_badge_world import download, verify

pytestmark = pytest.mark.django_db

#: Hours as a snapshot stores them, in Latvian and in English.
CASES = [
    ("1", "1 akadēmiskā stunda", "1 academic hour"),
    ("21", "21 akadēmiskā stunda", "21 academic hours"),
    ("36", "36 akadēmiskās stundas", "36 academic hours"),
    ("11", "11 akadēmiskās stundas", "11 academic hours"),
    ("12.5", "12,5 akadēmiskās stundas", "12.5 academic hours"),
]


@pytest.fixture
def issued(template, django_capture_on_commit_callbacks):
    """``issued(hours, language)``: a bilingual certificate of ``hours`` for a
    learner who reads ``language``, and the e-mail they were sent."""

    def issue(hours: str, language: str) -> tuple[Certificate, str]:
        enrolment = completed_enrolment()
        enrolment.hours_earned = Decimal(hours)
        enrolment.save(update_fields=["hours_earned"])
        remember_language(enrolment.user, language)
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            certificate = issue_certificate(enrolment, how=Certificate.How.AUTOMATIC)
        [message] = mail.outbox
        return certificate, message.body

    return issue


@pytest.mark.parametrize(("hours", "latvian", "english"), CASES)
def test_the_email_states_the_hours_in_the_learners_language(
    issued, hours, latvian, english
):
    _certificate, body = issued(hours, "lv")
    assert f"({latvian}) ir sagatavota." in body
    _certificate, body = issued(hours, "en")
    assert f"({english}) is ready." in body


@pytest.mark.parametrize(("hours", "latvian", "english"), CASES)
def test_the_badge_states_the_hours_in_both_languages(
    client, issued, hours, latvian, english
):
    certificate, _body = issued(hours, "lv")
    claims = verify(client, download(client, certificate)).claims
    narrative = claims["credentialSubject"]["achievement"]["criteria"]["narrative"]
    latvian_part, english_part = narrative.split("\n\n")
    assert f"({latvian}) un izpildīja tās prasības." in latvian_part
    assert f"({english}) and met its requirements." in english_part


def test_zero_hours_take_the_genitive_plural():
    """Latvian's third form: "0 akadēmisko stundu"."""
    with translation.override("lv"):
        assert hours_in_words("0") == "0 akadēmisko stundu"
    with translation.override("en"):
        assert hours_in_words("0") == "0 academic hours"
