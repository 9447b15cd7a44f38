"""Peer feedback comments: the comment form, and the course team's moderation
before the author sees the comment."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from courses.assignments.peer import (
    MAX_COMMENT,
    moderate_comment,
    offer_peer_reviews,
    write_comment,
)
from courses.assignments.submissions import SubmissionError
from courses.models import PeerReview
from tests.courses.peer_world import Class, browser, page
from tests.factories import (
    en_url,
    in_english_admin,
    make_course,
    make_course_editor,
    make_user,
)

pytestmark = pytest.mark.django_db


# Commenting


def comment_url(review) -> str:
    return en_url("courses:peer_comment", review.pk)


def test_comment_is_held_until_approved_then_the_author_sees_it():
    """Pending: not on the author's page; approved: shown with the writer's name;
    hidden: gone again."""
    world = Class(size=2, reviews=1)
    world.submit(0)
    world.submit(1)
    [review] = offer_peer_reviews(world.enrolments[1], world.assignment)
    response = browser(world.learners[1]).post(
        comment_url(review), {"comment": "Skaidri mērķi, labs noslēgums."}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == PeerReview.Status.PENDING
    owner_page = page(world.learners[0], world.assignment)
    assert "Skaidri mērķi" not in owner_page
    assert "waiting for the course team" in page(world.learners[1], world.assignment)
    moderate_comment(review, world.tutor, PeerReview.Status.APPROVED)
    owner_page = page(world.learners[0], world.assignment)
    assert "Comments from colleagues" in owner_page
    assert "Skaidri mērķi, labs noslēgums." in owner_page
    assert "Learner1 Kalniņa" in owner_page
    moderate_comment(review, world.tutor, PeerReview.Status.HIDDEN)
    assert "Skaidri mērķi" not in page(world.learners[0], world.assignment)


def test_empty_or_too_long_comment_is_refused_with_a_message():
    """The form comes back with the error and the text typed; nothing is kept."""
    world = Class(size=2, reviews=1)
    world.submit(0)
    world.submit(1)
    [review] = offer_peer_reviews(world.enrolments[1], world.assignment)
    client = browser(world.learners[1])
    response = client.post(comment_url(review), {"comment": "   "})
    assert response.status_code == 400
    assert "Write a comment." in response.content.decode()
    too_long = "x" * (MAX_COMMENT + 1)
    response = client.post(comment_url(review), {"comment": too_long})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The comment is too long" in html and too_long in html
    review.refresh_from_db()
    assert (review.status, review.comment) == (PeerReview.Status.OFFERED, "")


def test_nobody_comments_through_anothers_offer():
    """Another learner posting to someone's offer gets 404 and changes nothing."""
    world = Class(size=3, reviews=1)
    world.submit(0)
    world.submit(1)
    [review] = offer_peer_reviews(world.enrolments[1], world.assignment)
    response = browser(world.learners[2]).post(comment_url(review), {"comment": "Hi"})
    assert response.status_code == 404
    response = browser(world.learners[0]).post(comment_url(review), {"comment": "Hi"})
    assert response.status_code == 404
    review.refresh_from_db()
    assert review.comment == ""


def test_comment_without_csrf_token_is_refused():
    """A forged form from another site is refused with 403."""
    world = Class(size=2, reviews=1)
    world.submit(0)
    world.submit(1)
    [review] = offer_peer_reviews(world.enrolments[1], world.assignment)
    client = browser(world.learners[1], enforce_csrf_checks=True)
    response = client.post(comment_url(review), {"comment": "Forged"})
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.comment == ""


def test_a_moderated_comment_cannot_be_changed():
    """Once approved, the writer's words stay as approved."""
    world = Class(size=2, reviews=1)
    world.submit(0)
    world.submit(1)
    [review] = offer_peer_reviews(world.enrolments[1], world.assignment)
    write_comment(review, "Good")
    moderate_comment(review, world.tutor, PeerReview.Status.APPROVED)
    with pytest.raises(SubmissionError):
        write_comment(review, "Changed")
    html = page(world.learners[1], world.assignment)
    assert "shown to its author" in html and "Good" in html


# Moderation by the course team


def test_review_screen_lists_the_comments_and_the_tutor_approves():
    """The submission's review page and the list of comments awaiting moderation
    show the comment; approving with the form makes it visible to its author."""
    world = Class(size=2, reviews=1)
    work = world.submit(0)
    world.submit(1)
    [review] = offer_peer_reviews(world.enrolments[1], world.assignment)
    write_comment(review, "Der kā piemērs citiem")
    client = browser(world.tutor)
    html = client.get(reverse("submissions:edit", args=[work.pk])).content.decode()
    assert "Der kā piemērs citiem" in html and "Learner1 Kalniņa" in html
    listing = client.get(reverse("submissions:peer_comments")).content.decode()
    assert "Der kā piemērs citiem" in listing
    response = client.post(
        reverse("submissions:moderate_comment", args=[review.pk]),
        {"decision": "approved", "next": reverse("submissions:peer_comments")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:peer_comments")
    review.refresh_from_db()
    assert (review.status, review.moderated_by) == ("approved", world.tutor)
    listing = client.get(reverse("submissions:peer_comments")).content.decode()
    assert "Der kā piemērs citiem" not in listing
    assert "No comments are awaiting moderation." in listing
    assert "Der kā piemērs citiem" in page(world.learners[0], world.assignment)


def test_staff_of_another_course_cannot_moderate_or_see_the_comments():
    """The submissions' own permission decides: another course's editor is
    refused and sees no comment listed."""
    world = Class(size=2, reviews=1)
    world.submit(0)
    world.submit(1)
    [review] = offer_peer_reviews(world.enrolments[1], world.assignment)
    write_comment(review, "Noslēpums")
    stranger = in_english_admin(make_course_editor(make_course()))
    client = browser(stranger)
    response = client.post(
        reverse("submissions:moderate_comment", args=[review.pk]),
        {"decision": "approved"},
    )
    # Wagtail's answer to a screen one may not use: back to the admin's home.
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    review.refresh_from_db()
    assert review.status == PeerReview.Status.PENDING
    listing = client.get(reverse("submissions:peer_comments")).content.decode()
    assert "Noslēpum" not in listing
    learner = browser(world.learners[0])
    response = learner.post(
        reverse("submissions:moderate_comment", args=[review.pk]),
        {"decision": "approved"},
    )
    review.refresh_from_db()
    assert review.status == PeerReview.Status.PENDING


def test_a_bad_decision_or_a_foreign_next_changes_nothing():
    """An unknown decision is refused with a message; a redirect elsewhere is
    replaced by the list of comments."""
    world = Class(size=2, reviews=1)
    world.submit(0)
    world.submit(1)
    [review] = offer_peer_reviews(world.enrolments[1], world.assignment)
    write_comment(review, "Labi")
    client = browser(world.tutor)
    response = client.post(
        reverse("submissions:moderate_comment", args=[review.pk]),
        {"decision": "deleted", "next": "https://evil.example/"},
        follow=True,
    )
    assert "Choose to approve or to hide the comment." in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("submissions:peer_comments")
    review.refresh_from_db()
    assert review.status == PeerReview.Status.PENDING


def test_moderation_without_csrf_token_is_refused():
    """Approving needs the admin's CSRF token."""
    world = Class(size=2, reviews=1)
    world.submit(0)
    world.submit(1)
    [review] = offer_peer_reviews(world.enrolments[1], world.assignment)
    write_comment(review, "Labi")
    client = browser(world.tutor, enforce_csrf_checks=True)
    response = client.post(
        reverse("submissions:moderate_comment", args=[review.pk]),
        {"decision": "approved"},
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == PeerReview.Status.PENDING


def test_the_peer_feedback_section_reads_in_latvian():
    """A learner reading in Latvian gets the section and the form in Latvian."""
    world = Class(size=2, reviews=1)
    world.submit(0)
    world.submit(1)
    client = browser(world.learners[0])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "lv"
    with translation.override("lv"):
        url = reverse("courses:assignment", args=[world.assignment.pk])
    html = client.get(url).content.decode()
    assert "Kolēģu atgriezeniskā saite" in html
    assert "Nosūtīt komentāru" in html


def test_the_author_switches_peer_feedback_on_in_the_assignment_editor():
    """The assignment's edit screen has the switch and the number of reviews, and
    a number out of range is refused with a message."""
    world = Class(size=1)
    author = in_english_admin(make_user(is_staff=True, is_superuser=True))
    client = browser(author)
    url = reverse("wagtailsnippets_courses_assignment:edit", args=[world.assignment.pk])
    html = client.get(url).content.decode()
    assert 'name="peer_feedback"' in html
    assert 'name="peer_reviews_per_learner"' in html
    assert "Reviews each learner gives" in html
    world.assignment.peer_reviews_per_learner = 0
    with pytest.raises(ValidationError) as refused:
        world.assignment.full_clean()
    assert "peer_reviews_per_learner" in refused.value.message_dict
