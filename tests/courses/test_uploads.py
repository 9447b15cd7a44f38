"""Each upload point's size limit holds while the body is read: a file over it is
refused with the page's own message (or the API's 413) and nothing past the
limit is kept; anywhere else the site-wide limit refuses the body."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client
from PIL import Image as PILImage
from wagtail.images import get_image_model

from courses import checks
from courses.enrolment.enrolling import enrol
from courses.models import AssignmentSubmission, Enrolment
from tests.courses.assessment_factories import make_assignment
from tests.factories import (
    api_client,
    en_url,
    in_english_admin,
    make_course,
    make_module,
    make_programme_admin,
    make_user,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n"


class Keeper(FileUploadHandler):
    """Stands for Django's handlers that keep a file: counts what reaches it."""

    bytes_given = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        Keeper.bytes_given += len(raw_data)

    def file_complete(self, file_size: int) -> None:
        return None


@pytest.fixture
def keeper(settings):
    """The site's handlers, with a counter in place of those that keep files."""
    settings.FILE_UPLOAD_HANDLERS = [
        "courses.uploads.UploadLimitHandler",
        "tests.courses.test_uploads.Keeper",
    ]
    Keeper.bytes_given = 0
    return Keeper


@pytest.fixture
def assignment_and_learner():
    course = make_course()
    assignment = make_assignment(make_module(course))
    learner = make_user()
    enrol(learner, course)
    return assignment, learner


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_an_assignment_file_over_the_limit_is_refused_on_the_page(
    assignment_and_learner, settings, keeper
):
    """Over LMS_ASSIGNMENT_MAX_BYTES the assignment page answers with its own
    message; no more than the limit reached the handlers that keep files."""
    settings.LMS_ASSIGNMENT_MAX_BYTES = 50_000
    assignment, learner = assignment_and_learner
    client = Client()
    client.force_login(learner)
    response = client.post(
        en_url("courses:assignment", assignment.pk),
        {"text": "Plāns", "file": SimpleUploadedFile("plan.pdf", PDF + b"x" * 200_000)},
    )
    assert response.status_code == 400
    # (text_of turns the no-break space into a space)
    assert "The file is too large; the limit is 48.8 KB." in text_of(response)
    assert not AssignmentSubmission.objects.exists()
    assert keeper.bytes_given <= 50_000


def test_an_assignment_file_over_the_limit_is_a_413_in_the_api(
    assignment_and_learner, settings, keeper
):
    """The API, which has no form to show, answers 413 with the message."""
    settings.LMS_ASSIGNMENT_MAX_BYTES = 50_000
    assignment, learner = assignment_and_learner
    response = api_client(learner).post(
        f"/api/v1/assignments/{assignment.pk}/submissions",
        {"file": SimpleUploadedFile("plan.pdf", PDF + b"x" * 200_000)},
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The file is too large; the limit is 48.8\xa0KB."
    }
    assert not AssignmentSubmission.objects.exists()
    assert keeper.bytes_given <= 50_000


def test_a_csv_over_2_mb_is_refused_and_enrols_no_one(keeper):
    """A CSV file over 2 MB is refused with the import form's message, even though
    its first rows arrived: no one from them is enrolled."""
    course = make_course()
    client = Client()
    client.force_login(in_english_admin(make_programme_admin()))
    rows = "email,first name,last name\n" + "anna@skola.lv,Anna,Liepa\n" * 100_000
    response = client.post(
        "/admin/learners/enrol-from-csv/",
        {
            "course": course.pk,
            "file": SimpleUploadedFile("learners.csv", rows.encode(), "text/csv"),
        },
    )
    assert "The file is larger than 2 MB." in text_of(response)
    assert not Enrolment.objects.exists()
    assert keeper.bytes_given <= 2 * 1024 * 1024


def png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    PILImage.effect_noise(size, 64).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_wagtail_image_over_its_limit_gets_wagtails_own_message(settings, keeper):
    """Wagtail's image upload keeps its own limit and message
    (WAGTAILIMAGES_MAX_UPLOAD_SIZE): the refused file still shows as the image it
    is, too big."""
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 20_000
    client = Client()
    client.force_login(in_english_admin(make_user(is_superuser=True)))
    response = client.post(
        "/admin/images/add/",
        {"title": "Foto", "file": SimpleUploadedFile("photo.png", png((300, 300)))},
    )
    assert "This file is too big" in text_of(response)
    assert "Maximum filesize 19.5 KB" in text_of(response)
    assert not get_image_model().objects.filter(title="Foto").exists()
    assert keeper.bytes_given <= 20_000


def test_elsewhere_the_site_wide_limit_refuses_the_body(client, settings, keeper):
    """A file sent where no upload is taken is refused at LMS_UPLOAD_MAX_BYTES as
    too much form data: a 400, nothing past the limit kept."""
    settings.LMS_UPLOAD_MAX_BYTES = 50_000
    response = client.post(
        "/i18n/setlang/",
        {"language": "en", "file": SimpleUploadedFile("a.bin", b"x" * 200_000)},
    )
    assert response.status_code == 400
    assert keeper.bytes_given <= 50_000


def test_elsewhere_a_body_declared_too_large_is_not_read(client, settings, keeper):
    """There, a body whose Content-Length is past the limit and the room for the
    form's fields is refused before its file is read at all."""
    settings.LMS_UPLOAD_MAX_BYTES = 50_000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = client.post(
        "/i18n/setlang/",
        {"language": "en", "file": SimpleUploadedFile("a.bin", b"x" * 200_000)},
    )
    assert response.status_code == 400
    assert keeper.bytes_given == 0


def test_a_site_without_the_upload_handler_is_warned(settings):
    """Without the plugin's handler first in FILE_UPLOAD_HANDLERS, a system check
    says files are stored whole before their size is checked."""
    assert checks.check_upload_handler() == []
    settings.FILE_UPLOAD_HANDLERS = [
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    [warning] = checks.check_upload_handler()
    assert warning.id == "courses.W018"
    assert '"courses.uploads.UploadLimitHandler" first' in warning.hint
