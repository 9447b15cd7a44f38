"""Peer feedback: which colleagues' work a learner is offered, who may open it,
the comment form, and the course team's moderation before the author sees it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from courses.assignments.peer import (
    MAX_COMMENT,
    moderate_comment,
    offer_peer_reviews,
    write_comment,
)
from courses.assignments.submissions import SubmissionError, submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import Enrolment, PeerReview
from tests.courses.assessment_factories import make_assignment
from tests.factories import (
    en_url,
    in_english_admin,
    make_cohort,
    make_course,
    make_course_editor,
    make_lesson,
    make_module,
    make_tutor,
    make_user,
)

pytestmark = pytest.mark.django_db


class Class:
    """One course with a peer-feedback assignment, a cohort of learners and a
    second cohort; ``learners[i]`` is enrolled in ``cohort``."""

    def __init__(self, size: int = 4, reviews: int = 2) -> None:
        self.course = make_course()
        module = make_module(self.course)
        make_lesson(module)
        self.assignment = make_assignment(
            module, peer_feedback=True, peer_reviews_per_learner=reviews
        )
        self.cohort = make_cohort(self.course, name="Daugavpils")
        self.other_cohort = make_cohort(self.course, name="Rēzekne")
        self.learners = [
            make_user(first_name=f"Learner{i}", last_name="Kalniņa")
            for i in range(size)
        ]
        self.enrolments = [
            enrol(user, self.course, cohort=self.cohort) for user in self.learners
        ]
        self.tutor = in_english_admin(make_tutor(self.cohort))

    def submit(self, index: int, text: str | None = None, pdf: bool = False):
        upload = ContentFile(b"%PDF-1.7 plan", name=f"plan{index}.pdf") if pdf else None
        return submit_assignment(
            self.enrolments[index],
            self.assignment,
            text=text if text is not None else f"Plan of learner {index}",
            upload=upload,
        )

    def outsider(self, cohort=None):
        user = make_user(first_name="Outsider", last_name="Liepa")
        return user, enrol(user, self.course, cohort=cohort or self.other_cohort)


def browser(user, **kwargs) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)
    client.force_login(user)
    return client


def page(user, assignment) -> str:
    return (
        browser(user).get(en_url("courses:assignment", assignment.pk)).content.decode()
    )


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
    assert response.status_code in (302, 403)
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
