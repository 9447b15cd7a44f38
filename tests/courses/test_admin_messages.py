"""The message the admin shows after a tutor's action speaks the tutor's admin
language, not the browser's: it is read on the next page, after a redirect."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.users.models import UserProfile

from courses.assignments.peer import offer_peer_reviews, write_comment
from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from tests.courses.assessment_factories import make_assignment
from tests.factories import (
    make_cohort,
    make_course,
    make_lesson,
    make_module,
    make_tutor,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Two teachers of one cohort who submitted a plan, and their tutor, whose
    admin is Latvian while the browser asks for English."""
    course = make_course()
    module = make_module(course)
    make_lesson(module)
    assignment = make_assignment(module, peer_feedback=True, peer_reviews_per_learner=1)
    cohort = make_cohort(course)
    enrolments = [enrol(make_user(), course, cohort=cohort) for _ in range(2)]
    work = [submit_assignment(e, assignment, text="Plāns") for e in enrolments]
    tutor = make_tutor(cohort)
    UserProfile.objects.update_or_create(
        user=tutor, defaults={"preferred_language": "lv"}
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(tutor)
    return client, assignment, enrolments, work


def next_page(response) -> str:
    """The page the admin redirects to, as the tutor's browser shows it."""
    assert response.status_code == 200 and response.redirect_chain
    return response.content.decode()


def test_a_saved_review_is_announced_in_the_tutors_language(world):
    """Saving a review says so in Latvian."""
    client, _assignment, _enrolments, work = world
    response = client.post(
        reverse("submissions:edit", args=[work[0].pk]),
        {"status": "accepted", "feedback": "Labi."},
        follow=True,
    )
    html = next_page(response)
    assert "Pārbaudes rezultāts ir saglabāts." in html
    assert "The review has been saved." not in html


def test_a_moderated_comment_is_announced_in_the_tutors_language(world):
    """Approving a colleague's comment says so in Latvian."""
    client, assignment, enrolments, _work = world
    [review] = offer_peer_reviews(enrolments[1], assignment)
    write_comment(review, "Der kā piemērs citiem")
    response = client.post(
        reverse("submissions:moderate_comment", args=[review.pk]),
        {"decision": "approved"},
        follow=True,
    )
    html = next_page(response)
    assert "Komentārs ir redzams darba autoram." in html
    assert "The comment is shown to the author of the work." not in html
