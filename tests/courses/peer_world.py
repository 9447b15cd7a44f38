"""A class for the peer-feedback tests: one course with a peer-feedback
assignment and a cohort of learners; and a learner's view of the assignment."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.test import Client

from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from tests.courses.assessment_factories import make_assignment
from tests.factories import (
    en_url,
    in_english_admin,
    make_cohort,
    make_course,
    make_lesson,
    make_module,
    make_tutor,
    make_user,
)


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
