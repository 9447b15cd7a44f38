"""Files shared by several hosts: with the default storage in an S3-compatible
bucket, configured from the AWS_* variables as docs/deployment.md says, against
moto's S3 server. A certificate a worker renders is served by a web process whose
media folder is empty; submitted work, the data export and erasure work on the
bucket; nothing is written to the local media folder."""

from __future__ import annotations

import hashlib
import io
import json
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse

from certificates import snapshot
from certificates.models import Certificate
from certificates.rendering import reportlab_setup
from courses.activities.packages import store_package
from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import AssignmentSubmission, PrivacyLog
from courses.privacy.erasure import erase_person
from lms.env import object_storage
from tests.activities.package_builders import h5p_zip
from tests.activities.stored import upload
from tests.certificates.conftest import completed_enrolment, make_template, pdf_text
from tests.courses.assessment_factories import make_assignment
from tests.courses.privacy_world import Course
from tests.factories import (
    en_url,
    grant,
    make_course,
    make_lesson,
    make_module,
    make_user,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server on a free port of this machine, one for the whole run."""
    pytest.importorskip(
        "storages.backends.s3", reason="needs django-storages[s3] (the dev extra)"
    )
    moto_server = pytest.importorskip(
        "moto.server", reason="needs moto[server] (the dev extra)"
    )
    server = moto_server.ThreadedMotoServer(
        ip_address="127.0.0.1", port=0, verbose=False
    )
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    """The test's bucket, read directly with boto3 (not through the site)."""

    name: str
    client: Any

    def names(self) -> set[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=self.name)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)


@pytest.fixture(autouse=True)
def bucket(s3_endpoint, settings, monkeypatch) -> Bucket:
    """A new bucket for each test as the default storage, configured by the demo
    site's settings from the environment; the local media folder exists and is
    empty."""
    import boto3

    name = f"lms-{uuid.uuid4().hex}"
    for variable, value in {
        "AWS_STORAGE_BUCKET_NAME": name,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_ACCESS_KEY_ID": "lms-tests",
        "AWS_SECRET_ACCESS_KEY": "lms-tests-secret",
    }.items():
        monkeypatch.setenv(variable, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint)
    client.create_bucket(Bucket=name)
    # Django drops its cached default storage when STORAGES changes.
    settings.STORAGES = {**settings.STORAGES, "default": object_storage()}
    settings.MEDIA_ROOT.mkdir(parents=True)
    return Bucket(name, client)


def local_files(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def another_host(settings, tmp_path: Path, name: str) -> None:
    """Carry on as a process on another host: an empty media folder of its own and
    none of this process's copies of certificate images."""
    settings.MEDIA_ROOT = tmp_path / name
    settings.MEDIA_ROOT.mkdir()
    snapshot._frozen_images.clear()
    reportlab_setup._downloaded.cache_clear()


def browser(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def downloaded(response) -> bytes:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    return b"".join(response.streaming_content)


# Certificates


def test_a_certificate_rendered_by_a_worker_is_served_by_another_host(
    bucket, settings, tmp_path
):
    """The worker's PDF, and the logo and signature it drew, are in the bucket and
    not on its disk; a web process with an empty media folder serves the learner
    those very bytes, and the public file check recognises them."""
    make_template()
    # Completion enqueues the issuing task after the commit; it runs here as a
    # worker would run it.
    with TestCase.captureOnCommitCallbacks(execute=True):
        enrolment = completed_enrolment(first_name="Anna", last_name="Liepa")
    certificate = Certificate.objects.get(enrolment=enrolment)
    stored = bucket.read(certificate.pdf.name)
    assert hashlib.sha256(stored).hexdigest() == certificate.pdf_sha256
    assert "Anna Liepa" in pdf_text(stored)
    images = {key for key in bucket.names() if key.startswith("certificates/assets/")}
    assert len(images) == 2
    assert local_files(settings.MEDIA_ROOT) == []

    another_host(settings, tmp_path, "web-media")
    url = reverse("certificates:download", args=[certificate.pk])
    assert downloaded(browser(enrolment.user).get(url)) == stored
    check = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        reverse("certificates:verify_file"),
        {"file": SimpleUploadedFile("certificate.pdf", stored, "application/pdf")},
    )
    assert (
        f"This is exactly the file we issued as certificate {certificate.serial}."
        in " ".join(check.content.decode().split())
    )
    # Served, not rendered again: the bucket holds the one PDF.
    assert {key for key in bucket.names() if key.endswith(".pdf")} == {
        certificate.pdf.name
    }
    assert local_files(settings.MEDIA_ROOT) == []


# Submitted work


@pytest.fixture
def assignment_world():
    course = make_course()
    module = make_module(course)
    make_lesson(module)
    assignment = make_assignment(module)
    enrolment = enrol(make_user(), course)
    reviewer = grant(make_user(), "courses.review_submission")
    return assignment, enrolment, reviewer


def test_submitted_work_goes_to_the_bucket_and_comes_back(
    bucket, settings, tmp_path, assignment_world
):
    """A file sent on the assignment page is stored in the bucket only; the
    learner and the course's staff, on another host, download the same bytes."""
    assignment, enrolment, editor = assignment_world
    response = browser(enrolment.user).post(
        en_url("courses:assignment", assignment.pk),
        {"text": "Temata plāns", "file": SimpleUploadedFile("plāns.pdf", PDF)},
    )
    assert response.status_code == 302
    submission = AssignmentSubmission.objects.get()
    assert submission.file.name.startswith("assignments/")
    assert bucket.names() == {submission.file.name}
    assert bucket.read(submission.file.name) == PDF
    assert local_files(settings.MEDIA_ROOT) == []

    another_host(settings, tmp_path, "web-media")
    url = en_url("courses:submission_file", submission.pk)
    for user in (enrolment.user, editor):
        assert downloaded(browser(user).get(url)) == PDF


def test_a_file_gone_from_the_bucket_is_not_found(bucket, assignment_world):
    """A submitted file deleted from the bucket outside the site (by hand, or by a
    lifecycle rule) is a 404 for its learner, not a server error."""
    assignment, enrolment, _ = assignment_world
    submission = submit_assignment(
        enrolment, assignment, upload=SimpleUploadedFile("plan.pdf", PDF)
    )
    bucket.delete(submission.file.name)
    response = browser(enrolment.user).get(
        en_url("courses:submission_file", submission.pk)
    )
    assert response.status_code == 404


# Personal data


def test_the_data_export_holds_the_files_from_the_bucket(
    bucket, settings, tmp_path, person_world: Course
):
    """The learner's /my/data.zip, made on another host, carries their submitted
    file and certificate PDF byte for byte as the bucket holds them."""
    submission = AssignmentSubmission.objects.get(enrolment=person_world.enrolment)
    another_host(settings, tmp_path, "web-media")
    response = browser(person_world.learner).get(en_url("courses:download_my_data"))
    with zipfile.ZipFile(io.BytesIO(downloaded(response))) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    [submitted] = json.loads(files["assignment_submissions.json"])
    [certificate] = json.loads(files["certificates.json"])
    assert files[submitted["file"]] == bucket.read(submission.file.name)
    assert files[submitted["file"]] == b"%PDF-1.7 Anna's plan"
    assert files[certificate["pdf"]] == bucket.read(person_world.certificate.pdf.name)
    assert "Anna Bērziņa" in pdf_text(files[certificate["pdf"]])
    assert local_files(settings.MEDIA_ROOT) == []


def test_erasure_deletes_the_persons_files_from_the_bucket(
    bucket, person_world: Course
):
    """Once the erasure commits, the learner's submitted file and certificate PDF
    are gone from the bucket; the other learner's file and the certificate
    design's images stay."""
    annas = {
        AssignmentSubmission.objects.get(enrolment=person_world.enrolment).file.name,
        person_world.certificate.pdf.name,
    }
    others = AssignmentSubmission.objects.get(
        enrolment=person_world.other_enrolment
    ).file.name
    before = bucket.names()
    assert annas | {others} <= before
    with TestCase.captureOnCommitCallbacks(execute=True):
        erase_person(
            person_world.learner,
            channel=PrivacyLog.Channel.COMMAND,
            reason="Erasure request 2026/7",
        )
    assert bucket.names() == before - annas


# E-learning packages


def test_an_e_learning_package_is_stored_in_the_bucket_file_for_file(bucket, settings):
    """Each file of a package is in the bucket under its digest, byte for byte,
    with nothing on the local disk; the same file again writes nothing more."""
    image = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
    data = h5p_zip(extra_files={"content/images/cell.png": image})
    package, created = store_package(upload(data))
    prefix = package.storage_name("")
    assert created
    assert {name for name in bucket.names() if name.startswith(prefix)} == {
        prefix + name
        for name in (
            "h5p.json",
            "content/content.json",
            "content/images/cell.png",
            "H5P.StemCheck-1.0/library.json",
            "H5P.StemCheck-1.0/stem-check.js",
        )
    }
    assert bucket.read(prefix + "content/images/cell.png") == image
    assert local_files(settings.MEDIA_ROOT) == []
    again, created_again = store_package(upload(data))
    assert (again, created_again) == (package, False)
