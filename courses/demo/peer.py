"""Peer feedback in the demo: two colleagues of the teacher's cohort have
submitted their units, and one has commented on the other's, waiting for the
course team's approval. Once the demo teacher submits, the page offers both
colleagues' units to comment on. Safe to run again: each colleague, submission
and comment is made once."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.assignments.submissions import latest_submission, submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import (
    Assignment,
    AssignmentSubmission,
    Cohort,
    CoursePage,
    Enrolment,
    PeerReview,
)

#: username, first name, last name, the unit they submitted.
COLLEAGUES = [
    (
        "colleague-ilze",
        "Ilze",
        "Liepa",
        "Bioloģija, 8. klase: “Kāpēc augi noliecas pret logu?” Rezultāti: skolēns "
        "plāno eksperimentu ar vienu mainīgo, apraksta novērojumus un skaidro "
        "fototropismu. Noslēguma uzdevums: ieteikumi skolas siltumnīcai.",
    ),
    (
        "colleague-arturs",
        "Artūrs",
        "Ozols",
        "Matemātika, 6. klase: “Cik maksā klases ekskursija?” Rezultāti: skolēns "
        "aprēķina izmaksas, salīdzina piedāvājumus un pamato izvēli. Noslēguma "
        "uzdevums: budžeta plāns klases audzinātājai.",
    ),
]

COMMENT = (
    "Lielais jautājums ir skolēniem tuvs. Varbūt vienu kritēriju var formulēt "
    "konkrētāk: kā skolēns parādīs, ka prot salīdzināt piedāvājumus?"
)


def ensure_peer_feedback(
    assignment: Assignment, course: CoursePage, cohort: Cohort
) -> None:
    """The colleagues, their submissions of ``assignment`` and one comment."""
    User = get_user_model()
    enrolments = []
    for username, first, last, text in COLLEAGUES:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.edu",
            },
        )
        if created:
            # Colleagues in the story, not accounts anyone signs in with.
            user.set_unusable_password()
            user.save(update_fields=["password"])
        enrolment = Enrolment.objects.filter(
            user=user, course_key=course.translation_key
        ).first() or enrol(user, course, cohort=cohort)
        if latest_submission(enrolment, assignment.translation_key) is None:
            submit_assignment(enrolment, assignment, text=text)
        enrolments.append(enrolment)
    reviewer, author = enrolments
    work = AssignmentSubmission.objects.filter(
        enrolment=author, assignment_key=assignment.translation_key
    ).first()
    PeerReview.objects.get_or_create(
        reviewer=reviewer,
        submission=work,
        defaults={
            "assignment_key": assignment.translation_key,
            "comment": COMMENT,
            "commented_at": timezone.now(),
            "status": PeerReview.Status.PENDING,
        },
    )
