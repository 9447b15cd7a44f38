"""Background work killed halfway and run again: nothing lost, nothing twice.

A worker killed mid-task is simulated by raising at the point where it would have
died; the task (or the resume command) is then run again as an operator would.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from certificates import bulk, delivery
from certificates.bulk import plan_bulk_issue, stale_chunks, start_bulk_issue
from certificates.models import BulkIssueChunk, BulkIssueJob, Certificate
from certificates.rendering import get_renderer
from certificates.tasks import bulk_issue, issue_for_completed_enrolment
from courses.models import Enrolment
from courses.tasks import refresh_course_summaries
from tests.certificates.conftest import completed_enrolment
from tests.factories import make_course_tree

pytestmark = pytest.mark.django_db


class Killed(Exception):
    """Stands for the SIGKILL that stops a worker at this point."""


def die_on_calls(monkeypatch, target, name: str, calls: set[int]) -> None:
    """Make ``target.name`` raise :class:`Killed` on the given (1-based) calls."""
    original = getattr(target, name)
    count = 0

    def wrapper(*args, **kwargs):
        nonlocal count
        count += 1
        if count in calls:
            raise Killed
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, wrapper)


def assert_one_delivered(enrolment: Enrolment) -> Certificate:
    certificate = Certificate.objects.get(
        enrolment=enrolment, status=Certificate.Status.VALID
    )
    assert certificate.pdf and certificate.emailed_at
    assert [m.to for m in mail.outbox].count([enrolment.user.email]) == 1
    return certificate


def test_killed_while_rendering_then_rerun_delivers_once(template, monkeypatch):
    """Killed after the snapshot's commit, the task's second run renders and
    e-mails the same certificate: one certificate, one PDF, one e-mail."""
    enrolment = completed_enrolment(email="anna@example.edu")
    mail.outbox.clear()
    renderer = type(get_renderer())
    die_on_calls(monkeypatch, renderer, "render", {1})
    result = issue_for_completed_enrolment.enqueue(enrolment.pk)
    assert result.status == "FAILED"
    half = Certificate.objects.get(enrolment=enrolment)
    assert not half.pdf and half.emailed_at is None and mail.outbox == []
    issue_for_completed_enrolment.call(enrolment.pk)
    issue_for_completed_enrolment.call(enrolment.pk)  # a third, needless run
    assert assert_one_delivered(enrolment).serial == half.serial


def test_mail_server_down_then_rerun_sends_once(template, monkeypatch):
    """A failed send leaves ``emailed_at`` empty, and the next run sends it."""
    enrolment = completed_enrolment(email="anna@example.edu")
    mail.outbox.clear()
    die_on_calls(monkeypatch, delivery, "notify_learner", {1})
    issue_for_completed_enrolment.enqueue(enrolment.pk)
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.pdf and certificate.emailed_at is None
    issue_for_completed_enrolment.call(enrolment.pk)
    assert_one_delivered(enrolment)


def test_killed_bulk_chunk_is_resumed_and_counted_once(template, monkeypatch):
    """A chunk killed halfway is enqueued again by --resume; every learner ends
    with one certificate and one e-mail, and the job's counts add up."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    enrolments = [
        completed_enrolment(course, lessons, email=f"t{n}@example.edu")
        for n in range(5)
    ]
    mail.outbox.clear()
    monkeypatch.setattr(bulk, "BULK_CHUNK_SIZE", 2)
    die_on_calls(monkeypatch, type(get_renderer()), "render", {4})
    job = start_bulk_issue(course, None, actor=None)
    assert bulk_issue.call(job.pk) == 5
    job.refresh_from_db()
    assert job.status == BulkIssueJob.Status.FAILED
    # The other chunks ran on; the fourth learner's certificate has no PDF yet.
    assert Certificate.objects.filter(pdf="").count() == 1
    out = StringIO()
    call_command("issue_certificates", "--resume", stdout=out)
    assert out.getvalue().startswith("1 chunks (2 learners)")
    job.refresh_from_db()
    assert (job.status, job.issued, job.skipped, job.failed) == ("finished", 5, 0, 0)
    for enrolment in enrolments:
        assert_one_delivered(enrolment)
    assert len(mail.outbox) == 5
    assert call_command("issue_certificates", "--resume", stdout=StringIO()) is None
    assert len(mail.outbox) == 5


def test_resume_finishes_a_certificate_whose_task_died(template, monkeypatch):
    """--resume renders and e-mails a certificate left with its snapshot only,
    once its task has been silent long enough."""
    enrolment = completed_enrolment(email="anna@example.edu")
    mail.outbox.clear()
    die_on_calls(monkeypatch, type(get_renderer()), "render", {1})
    issue_for_completed_enrolment.enqueue(enrolment.pk)
    out = StringIO()
    call_command("issue_certificates", "--resume", stdout=out)
    assert "0 certificates" in out.getvalue()  # it may still be running
    Certificate.objects.update(issued_at=timezone.now() - timedelta(minutes=10))
    call_command("issue_certificates", "--resume", stdout=out)
    assert "1 certificates" in out.getvalue()
    assert_one_delivered(enrolment)


def test_resume_takes_only_chunks_whose_worker_is_gone(template):
    """Silent running chunks are stale; waiting ones only when the whole job is
    silent, since they may simply be queued behind others."""
    course, lessons = make_course_tree(modules=1, lessons=1)
    for _ in range(3):
        completed_enrolment(course, lessons)
    job = start_bulk_issue(course, None, actor=None)
    bulk.BULK_CHUNK_SIZE, size = 1, bulk.BULK_CHUNK_SIZE
    try:
        running, waiting, done = plan_bulk_issue(job)
    finally:
        bulk.BULK_CHUNK_SIZE = size
    long_ago = timezone.now() - timedelta(minutes=10)
    BulkIssueChunk.objects.filter(pk=running.pk).update(
        status=BulkIssueChunk.Status.RUNNING, touched_at=long_ago
    )
    BulkIssueChunk.objects.filter(pk=done.pk).update(status=BulkIssueChunk.Status.DONE)
    five_minutes = timedelta(minutes=5)
    assert stale_chunks(five_minutes) == [running]
    BulkIssueChunk.objects.filter(pk=waiting.pk).update(touched_at=long_ago)
    BulkIssueChunk.objects.filter(pk=done.pk).update(touched_at=long_ago)
    assert stale_chunks(five_minutes) == [running, waiting]
    assert stale_chunks(five_minutes, job=BulkIssueJob(pk=job.pk + 1)) == []


def test_summary_refresh_killed_halfway_then_rerun_recounts_all(template, monkeypatch):
    """The summary task only recounts, so a second run after a crash leaves every
    enrolment's stored summary equal to a recount."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    enrolments = [completed_enrolment(course, lessons) for _ in range(3)]
    Enrolment.objects.update(percent=0, completed_items=0)
    from courses import tasks

    die_on_calls(monkeypatch, tasks, "refresh_summary", {2})
    assert refresh_course_summaries.enqueue(str(course.translation_key)).errors
    refresh_course_summaries.call(str(course.translation_key))
    for enrolment in Enrolment.objects.filter(pk__in=[e.pk for e in enrolments]):
        assert (enrolment.percent, enrolment.completed_items) == (100, 2)
