"""One place decides each thing: every page, report and API that shows a decision
shows the same one."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.models import Locale

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import Enrolment, LessonPage, Quiz, QuizAttempt
from courses.progress.recording import record_lesson_completed
from courses.reports.matrix import ModuleState, course_structure, module_matrix
from tests.certificates.conftest import make_template
from tests.courses.assessment_factories import make_assignment, make_quiz
from tests.factories import (
    api_client,
    in_english_admin,
    make_catalogue,
    make_course,
    make_course_editor,
    make_course_tree,
    make_image,
    make_lesson,
    make_live_session,
    make_module,
    make_user,
)

pytestmark = pytest.mark.django_db

LINK = "https://zoom.us/j/555000111"


def test_an_optional_lesson_left_undone_counts_the_same_everywhere(client):
    """With the required lesson done and the optional one not: the module's badge
    shows, its hours count, the next module opens and the matrix says done."""
    course = make_course(sequential=True, title="Inquiry")
    first = make_module(course, title="Levels of inquiry", hours=Decimal(6))
    required = make_lesson(first, title="Recipe to inquiry")
    make_lesson(first, title="Further reading", optional=True)
    second = make_module(course, title="Modelling", hours=Decimal(4))
    next_lesson = make_lesson(second, title="Fitting a line")
    learner = make_user()
    enrolment = enrol(learner, course)
    record_lesson_completed(enrolment, required)

    client.force_login(learner)
    html = client.get(first.url).content.decode()
    assert '<span class="badge badge--done">Pabeigts</span>' in html
    course_html = client.get(course.url).content.decode()
    assert course_html.count('<span class="badge badge--done">Pabeigts</span>') == 1
    assert Enrolment.objects.get(pk=enrolment.pk).hours_earned == Decimal(6)
    record_lesson_completed(enrolment, next_lesson)  # the second module is open
    structure = course_structure(course)
    assert module_matrix(structure, [enrolment.pk])[enrolment.pk] == [
        ModuleState.DONE,
        ModuleState.DONE,
    ]
    assert Enrolment.objects.get(pk=enrolment.pk).hours_earned == Decimal(10)


@pytest.fixture
def quiz_in_two_languages():
    """A Latvian lesson with a live Latvian quiz, and the quiz's English version
    saved as a draft only."""
    latvian = make_quiz(title="Pārbaudes tests")
    english = latvian.copy_for_translation(
        Locale.objects.get_or_create(language_code="en")[0]
    )
    english.title = "Check your understanding"
    english.live = False
    english.save()
    # The lesson is read in English; its quiz was written in Latvian.
    course = make_course(make_catalogue(title="Courses", locale=english.locale))
    lesson = make_lesson(
        make_module(course),
        quiz=latvian,
        completion_rule=LessonPage.CompletionRule.ACTIVITY,
    )
    learner = make_user()
    enrol(learner, course)
    return lesson, latvian, english, learner


def test_a_draft_translation_of_a_quiz_is_not_offered(client, quiz_in_two_languages):
    """Reading in English while the English quiz is a draft, the learner is offered
    the live Latvian quiz, and Start starts that one."""
    lesson, latvian, _english, learner = quiz_in_two_languages
    client.force_login(learner)
    with translation.override("en"):
        start = reverse("courses:quiz_start", args=[lesson.pk])
    assert lesson.url.startswith("/en/")
    html = client.get(lesson.url).content.decode()
    assert "Pārbaudes tests" in html and "Check your understanding" not in html
    assert f'action="{start}"' in html
    response = client.post(start, follow=True)
    assert "This quiz is not available" not in response.content.decode()
    assert QuizAttempt.objects.get().quiz == latvian


def test_a_quiz_with_no_live_version_offers_nothing(client, quiz_in_two_languages):
    """When no version of the quiz is live, the lesson offers no Start button and
    a forged start is refused and records nothing."""
    lesson, latvian, _english, learner = quiz_in_two_languages
    Quiz.objects.filter(pk=latvian.pk).update(live=False)
    client.force_login(learner)
    html = client.get(lesson.url).content.decode()
    with translation.override("en"):
        start = reverse("courses:quiz_start", args=[lesson.pk])
    assert start not in html
    response = client.post(start, follow=True)
    assert "This quiz is not available." in response.content.decode()
    assert not QuizAttempt.objects.exists()


@pytest.fixture
def two_courses():
    """Course A with a gated lesson, a quiz, an online session, a learner's
    submission and certificate; and an author who edits only course B."""
    make_template()
    course_a, lessons = make_course_tree(modules=1, lessons=1, title="Course A")
    module = lessons[0].get_parent().specific
    quiz = make_quiz(title="Quiz A")
    LessonPage.objects.filter(pk=lessons[0].pk).update(quiz=quiz)
    make_live_session(module, online_link=LINK)
    assignment = make_assignment(module)
    learner = make_user(first_name="Anna", last_name="Bērziņa")
    enrolment = enrol(learner, course_a)
    submission = submit_assignment(
        enrolment, assignment, upload=ContentFile(b"%PDF-1.7\n", name="plan.pdf")
    )
    record_lesson_completed(enrolment, lessons[0])
    certificate = issue_certificate(
        enrolment, how=Certificate.How.MANUAL, reason="Paper register"
    )
    course_b, _ = make_course_tree(modules=1, lessons=1, title="Course B")
    return {
        "course": course_a,
        "lesson": lessons[0],
        "quiz": quiz,
        "submission": submission,
        "certificate": certificate,
        "learner": learner,
        "other_author": in_english_admin(make_course_editor(course_b)),
        "own_author": in_english_admin(make_course_editor(course_a)),
    }


def reach(user, data) -> dict[str, bool]:
    """What of course A ``user`` reaches: each gated thing, True when shown."""
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    api = api_client(user)
    course, submission = data["course"], data["submission"]
    sessions = api.get(f"/api/v1/courses/{course.pk}/sessions").json()
    with translation.override("en"):
        file_url = reverse("courses:submission_file", args=[submission.pk])
    return {
        "lesson": client.get(data["lesson"].url).status_code == 200,
        "quiz questions": api.get(f"/api/v1/quizzes/{data['quiz'].pk}").status_code
        == 200,
        "session link in the API": sessions[0]["online_link"] == LINK,
        "session link on the page": LINK in client.get(course.url).content.decode(),
        "submission": client.get(
            reverse("submissions:edit", args=[submission.pk])
        ).status_code
        == 200,
        "submitted file": client.get(file_url).status_code == 200,
        "certificate in the admin": data["certificate"].serial
        in client.get(reverse("certificates_admin:index")).content.decode(),
        "certificate PDF": client.get(
            reverse("certificates:download", args=[data["certificate"].pk])
        ).status_code
        == 200,
        "progress report": "Bērziņa"
        in client.get(reverse("reports:progress")).content.decode(),
        "module matrix": "Bērziņa"
        in client.get(
            reverse("reports:matrix") + f"?course={course.pk}"
        ).content.decode(),
    }


def test_an_author_of_another_course_reaches_nothing_gated(two_courses):
    """Staff of course B open nothing of course A that is not public; staff of
    course A open all of it."""
    assert reach(two_courses["own_author"], two_courses) == dict.fromkeys(
        reach(two_courses["own_author"], two_courses), True
    )
    denied = reach(two_courses["other_author"], two_courses)
    assert [name for name, shown in denied.items() if shown] == []


def test_a_replaced_image_and_a_renamed_document_show_at_once(client):
    """A lesson shown once (and cached) shows a replaced image file and a renamed
    document on the very next request."""
    image = make_image("Diagram")
    document = get_document_model().objects.create(
        title="Worksheet", file=ContentFile(b"%PDF-1.7\n", name="worksheet.pdf")
    )
    course = make_course()
    lesson = make_lesson(
        make_module(course),
        body=json.dumps(
            [
                {
                    "type": "image",
                    "value": {
                        "image": image.pk,
                        "alt_text": "Diagram",
                        "decorative": False,
                    },
                },
                {
                    "type": "document",
                    "value": {"document": document.pk, "description": ""},
                },
            ]
        ),
    )
    learner = make_user()
    enrol(learner, course)
    client.force_login(learner)
    before = client.get(lesson.url).content.decode()
    assert "Worksheet" in before
    old_source = re.search(r'<img[^>]+src="([^"]+)"', before).group(1)

    png = io.BytesIO()
    PILImage.new("RGB", (200, 100), "#c9a227").save(png, format="PNG")
    # As the admin's image form does when a new file is chosen.
    image.file = ImageFile(io.BytesIO(png.getvalue()), name="diagram-v2.png")
    image.save()
    image.renditions.all().delete()
    document.title = "Worksheet, second edition"
    document.save()

    after = client.get(lesson.url).content.decode()
    assert "Worksheet, second edition" in after
    assert re.search(r'<img[^>]+src="([^"]+)"', after).group(1) != old_source
