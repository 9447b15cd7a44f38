"""Practical assignments: submitting, file checks, downloads and staff review."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from courses.assignments.submissions import (
    SubmissionError,
    review_submission,
    submit_assignment,
)
from courses.competences.frameworks import load_frameworks
from courses.enrolment.enrolling import enrol
from courses.models import (
    AssessedCompetence,
    AssignmentSubmission,
    Competence,
    FrameworkLevel,
)
from tests.courses.assessment_factories import make_assignment
from tests.factories import en_url, make_course, make_lesson, make_module, make_user

pytestmark = pytest.mark.django_db


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


def stored_files(settings) -> list:
    media = settings.MEDIA_ROOT
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.fixture
def setup():
    load_frameworks()
    course = make_course()
    module = make_module(course)
    make_lesson(module)
    competences = [
        Competence.objects.get(framework__code="DigCompEdu", code="2.2"),
        Competence.objects.get(framework__code="EntreComp", code="1.2"),
    ]
    assignment = make_assignment(module, competences)
    learner = make_user()
    enrolment = enrol(learner, course)
    return assignment, module, learner, enrolment, competences


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_learner_submits_text_and_a_file_on_the_assignment_page(setup, settings):
    """The submission is stored under a random folder and listed for the learner."""
    assignment, module, learner, enrolment, _ = setup
    client = browser(learner)
    assert "Mācību temats" in client.get(module.url).content.decode()
    url = en_url("courses:assignment", assignment.pk)
    response = client.post(
        url,
        {"text": "Temata plāns", "file": SimpleUploadedFile("plāns.pdf", PDF)},
    )
    assert response.status_code == 302
    submission = AssignmentSubmission.objects.get()
    assert submission.assignment_key == assignment.translation_key
    prefix, folder, filename = submission.file.name.split("/")
    assert (prefix, filename) == ("assignments", "plāns.pdf")
    assert len(folder) >= 30
    html = client.get(url).content.decode()
    assert "Temata plāns" in html
    assert "Submitted" in html
    assert "waiting" not in html
    assert "Submit your work" not in html  # no second submission while in review
    enrolment.refresh_from_db()
    assert enrolment.last_activity_at is not None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "cannot be submitted"),
        ("notes.txt", b"hello", "cannot be submitted"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "does not match its type"),
        ("photo.png", PDF, "does not match its type"),
    ],
)
def test_forbidden_files_are_refused_before_storage(
    setup, settings, name, content, message
):
    """Wrong types and renamed files are refused and nothing is stored."""
    assignment, _, learner, _, _ = setup
    response = browser(learner).post(
        en_url("courses:assignment", assignment.pk),
        {"text": "x", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not AssignmentSubmission.objects.exists()
    assert stored_files(settings) == []


def test_oversized_file_is_refused_before_storage(setup, settings):
    """A file over LMS_ASSIGNMENT_MAX_BYTES is refused, unstored."""
    settings.LMS_ASSIGNMENT_MAX_BYTES = 1024
    assignment, _, _, enrolment, _ = setup
    upload = SimpleUploadedFile("plan.pdf", PDF + b"x" * 2048)
    with pytest.raises(SubmissionError, match="too large; the limit is 1"):
        submit_assignment(enrolment, assignment, upload=upload)
    assert stored_files(settings) == []
    assert not AssignmentSubmission.objects.exists()


def test_allowed_types_come_from_settings(setup, settings):
    """LMS_ASSIGNMENT_EXTENSIONS decides which types are taken."""
    settings.LMS_ASSIGNMENT_EXTENSIONS = ["txt"]
    assignment, _, _, enrolment, _ = setup
    with pytest.raises(SubmissionError, match="Allowed: txt"):
        submit_assignment(
            enrolment, assignment, upload=SimpleUploadedFile("a.pdf", PDF)
        )
    submission = submit_assignment(
        enrolment, assignment, upload=SimpleUploadedFile("a.txt", b"notes")
    )
    assert submission.filename == "a.txt"


def test_empty_submission_is_refused(setup):
    """Neither text nor file is not a submission."""
    assignment, _, _, enrolment, _ = setup
    with pytest.raises(SubmissionError, match="Write a text or attach a file"):
        submit_assignment(enrolment, assignment, text="   ")


def test_only_the_learner_and_staff_can_download(setup, client):
    """Another learner and anonymous get 404; the owner and staff get the file."""
    assignment, _, learner, enrolment, _ = setup
    submission = submit_assignment(
        enrolment, assignment, upload=SimpleUploadedFile("plan.pdf", PDF)
    )
    url = en_url("courses:submission_file", submission.pk)
    assert client.get(url).status_code == 404
    assert browser(make_user()).get(url).status_code == 404
    for user in (learner, make_user(is_superuser=True, is_staff=True)):
        response = browser(user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == PDF


def test_review_accept_with_competence_levels(setup):
    """Accepting records feedback, reviewer and levels, and the learner sees them."""
    assignment, _, learner, enrolment, competences = setup
    submission = submit_assignment(enrolment, assignment, text="Mans temats")
    staff = make_user(is_superuser=True, is_staff=True)
    b1 = FrameworkLevel.objects.get(framework__code="DigCompEdu", code="B1")
    review_submission(
        submission,
        staff,
        AssignmentSubmission.Status.ACCEPTED,
        "Labi saskaņoti rezultāti.",
        {competences[0].pk: b1},
    )
    submission.refresh_from_db()
    assert submission.status == "accepted"
    assert submission.reviewed_by == staff and submission.reviewed_at
    [assessed] = AssessedCompetence.objects.all()
    assert (assessed.competence, assessed.level) == (competences[0], b1)
    html = (
        browser(learner)
        .get(en_url("courses:assignment", assignment.pk))
        .content.decode()
    )
    assert "Labi saskaņoti rezultāti." in html
    assert "B1" in html
    assert "Accepted" in html
    with pytest.raises(SubmissionError, match="already been accepted"):
        submit_assignment(enrolment, assignment, text="More")


def test_level_of_another_framework_is_refused(setup):
    """A DigCompEdu level cannot be given for an EntreComp competence."""
    assignment, _, _, enrolment, competences = setup
    submission = submit_assignment(enrolment, assignment, text="x")
    b1 = FrameworkLevel.objects.get(framework__code="DigCompEdu", code="B1")
    with pytest.raises(SubmissionError, match="own framework"):
        review_submission(
            submission, make_user(), "accepted", "", {competences[1].pk: b1}
        )
    submission.refresh_from_db()
    assert submission.status == "submitted"
    assert not AssessedCompetence.objects.exists()


def test_returned_work_can_be_resubmitted_and_history_is_kept(setup):
    """After "returned" a new submission is taken; the old one stays."""
    assignment, _, _, enrolment, _ = setup
    first = submit_assignment(enrolment, assignment, text="Draft")
    with pytest.raises(SubmissionError, match="Tell the learner"):
        review_submission(first, make_user(), "returned", "")
    review_submission(first, make_user(), "returned", "Add the reflection.")
    second = submit_assignment(enrolment, assignment, text="With reflection")
    assert list(
        AssignmentSubmission.objects.order_by("pk").values_list("text", "status")
    ) == [("Draft", "returned"), ("With reflection", "submitted")]
    assert second.pk != first.pk


def test_staff_review_in_the_admin(setup):
    """Staff see the submission in the admin list and accept it with a level."""
    assignment, _, learner, enrolment, competences = setup
    submission = submit_assignment(enrolment, assignment, text="Mans temats")
    staff = browser(make_user(is_superuser=True, is_staff=True))
    listing = staff.get(en_url("submissions:index"))
    assert listing.status_code == 200
    assert learner.get_full_name() in listing.content.decode()
    url = en_url("submissions:edit", submission.pk)
    page = staff.get(url)
    assert page.status_code == 200
    assert "Mans temats" in page.content.decode()
    b1 = FrameworkLevel.objects.get(framework__code="DigCompEdu", code="B1")
    response = staff.post(
        url,
        {
            "status": "accepted",
            "feedback": "Izcili.",
            f"level_{competences[0].pk}": b1.pk,
            f"level_{competences[1].pk}": "",
        },
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert (submission.status, submission.feedback) == ("accepted", "Izcili.")
    assert AssessedCompetence.objects.get().level == b1


def test_learners_cannot_open_the_review_screens(setup):
    """A learner without page permissions is kept out of the admin review."""
    assignment, _, learner, enrolment, _ = setup
    submission = submit_assignment(enrolment, assignment, text="x")
    client = browser(learner)
    url = en_url("submissions:edit", submission.pk)
    response = client.get(url)
    # Without access to the admin, Wagtail's admin asks to sign in (again).
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={url}"
    assert AssignmentSubmission.objects.get().status == "submitted"
