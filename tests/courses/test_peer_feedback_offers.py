"""Peer feedback offered: which colleagues' work a learner is offered, and who
may open it on the assignment page and download its file."""

from __future__ import annotations

import pytest
from django.urls import reverse

from courses.assignments.peer import MAX_COMMENT, offer_peer_reviews
from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import Enrolment, PeerReview
from tests.courses.peer_world import Class, browser, page
from tests.factories import en_url, make_user

pytestmark = pytest.mark.django_db


def authors(reviews) -> list[int]:
    return [review.submission.enrolment_id for review in reviews]


# Which work is offered


def test_learner_is_offered_colleagues_of_the_same_cohort_never_their_own():
    """Only the latest work of others in the learner's cohort, up to the number the
    author chose; an outsider's work in another cohort never."""
    world = Class(size=4, reviews=2)
    _, outsider = world.outsider()
    submit_assignment(outsider, world.assignment, text="Another cohort's plan")
    for index in range(4):
        world.submit(index)
    reviews = offer_peer_reviews(world.enrolments[0], world.assignment)
    assert len(reviews) == 2
    offered = set(authors(reviews))
    assert world.enrolments[0].pk not in offered
    assert offered <= {e.pk for e in world.enrolments[1:]}


def test_nothing_is_offered_before_submitting_or_when_switched_off():
    """A learner who has not submitted, or on an assignment without peer feedback,
    is offered nothing."""
    world = Class(size=3)
    world.submit(1)
    world.submit(2)
    assert offer_peer_reviews(world.enrolments[0], world.assignment) == []
    world.assignment.peer_feedback = False
    world.assignment.save()
    world.submit(0)
    assert offer_peer_reviews(world.enrolments[0], world.assignment) == []
    assert not PeerReview.objects.exists()


def test_offers_go_to_the_least_reviewed_work_first():
    """Work that already has reviewers is passed over for work that has none."""
    world = Class(size=5, reviews=2)
    for index in range(5):
        world.submit(index)
    for reviewer in (2, 3):
        PeerReview.objects.create(
            reviewer=world.enrolments[reviewer],
            submission=world.enrolments[1].assignment_submissions.get(),
            assignment_key=world.assignment.translation_key,
        )
    reviews = offer_peer_reviews(world.enrolments[0], world.assignment)
    assert world.enrolments[1].pk not in authors(reviews)
    assert len(reviews) == 2


def test_a_whole_cohort_reviewing_spreads_the_reviews_evenly():
    """Six learners giving two reviews each, one after another: every work gets
    two, give or take the one the last learner cannot give themselves."""
    world = Class(size=6, reviews=2)
    for index in range(6):
        world.submit(index)
    for enrolment in world.enrolments:
        offer_peer_reviews(enrolment, world.assignment)
    counts = sorted(
        PeerReview.objects.filter(submission__enrolment=e).count()
        for e in world.enrolments
    )
    assert sum(counts) == 12
    assert counts[0] >= 1 and counts[-1] <= 3
    assert counts.count(2) >= 4


def test_the_offer_is_stable_and_topped_up_when_colleagues_submit():
    """Reloading shows the same work; a colleague submitting later fills the
    place still free, and nothing beyond the number chosen."""
    world = Class(size=4, reviews=2)
    world.submit(0)
    world.submit(1)
    first = offer_peer_reviews(world.enrolments[0], world.assignment)
    assert authors(first) == [world.enrolments[1].pk]
    assert authors(offer_peer_reviews(world.enrolments[0], world.assignment)) == [
        world.enrolments[1].pk
    ]
    world.submit(2)
    world.submit(3)
    again = offer_peer_reviews(world.enrolments[0], world.assignment)
    assert len(again) == 2
    assert again[0].pk == first[0].pk
    assert len(offer_peer_reviews(world.enrolments[0], world.assignment)) == 2


def test_learner_without_a_cohort_is_told_why_nothing_is_offered():
    """Peer feedback is within a cohort; a learner in none reads why."""
    world = Class(size=2)
    world.submit(0)
    user = make_user()
    loner = enrol(user, world.course)
    submit_assignment(loner, world.assignment, text="Mine")
    assert offer_peer_reviews(loner, world.assignment) == []
    assert "you are not in one" in page(user, world.assignment)


# The learner's page and the file


def test_the_page_shows_the_colleagues_work_and_a_comment_form():
    """The learner reads the colleague's text, a link to their file and a form."""
    world = Class(size=2)
    world.submit(0)
    work = world.submit(1, text="Fotosintēzes stundas plāns", pdf=True)
    html = page(world.learners[0], world.assignment)
    assert "Peer feedback" in html
    assert "Fotosintēzes stundas plāns" in html
    assert reverse("courses:submission_file", args=[work.pk]) in html
    review = PeerReview.objects.get()
    assert f'action="{en_url("courses:peer_comment", review.pk)}"' in html
    assert f'maxlength="{MAX_COMMENT}"' in html


def test_the_offered_colleague_downloads_the_file_and_others_get_404():
    """The file opens for the learner it was offered to, the owner and the course
    team; a classmate it was not offered to gets 404, as does a stranger."""
    world = Class(size=3, reviews=1)
    work = world.submit(0, pdf=True)
    world.submit(1)
    offer_peer_reviews(world.enrolments[1], world.assignment)
    assert PeerReview.objects.get().reviewer == world.enrolments[1]
    url = reverse("courses:submission_file", args=[work.pk])
    assert browser(world.learners[1]).get(url).status_code == 200
    assert browser(world.learners[0]).get(url).status_code == 200
    assert browser(world.tutor).get(url).status_code == 200
    assert browser(world.learners[2]).get(url).status_code == 404
    outsider, _ = world.outsider()
    assert browser(outsider).get(url).status_code == 404


def test_a_withdrawn_reviewer_can_no_longer_download():
    """Leaving the course ends access to the colleague's file."""
    world = Class(size=2, reviews=1)
    work = world.submit(0, pdf=True)
    world.submit(1)
    offer_peer_reviews(world.enrolments[1], world.assignment)
    Enrolment.objects.filter(pk=world.enrolments[1].pk).update(
        status=Enrolment.Status.WITHDRAWN
    )
    url = reverse("courses:submission_file", args=[work.pk])
    assert browser(world.learners[1]).get(url).status_code == 404
