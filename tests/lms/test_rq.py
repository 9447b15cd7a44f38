"""Certificates through the real RQ backend: enqueued to Redis, run by an RQ worker.

Run by ``.ci/rq-suite`` (TASKS_BACKEND=rq); skipped otherwise or when Redis does
not answer. The worker is an in-process ``SimpleWorker`` in burst mode, so it
shares the test's database connection and sees its uncommitted rows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.core import mail

from certificates.bulk import start_bulk_issue
from certificates.models import BulkIssueJob, Certificate
from certificates.tasks import bulk_issue, issue_for_completed_enrolment
from courses.enrolment.enrolling import enrol
from courses.progress.recording import record_lesson_completed
from tests.certificates.conftest import completed_enrolment, make_template
from tests.factories import make_course_tree, make_user


def redis_answers() -> bool:
    if os.environ.get("TASKS_BACKEND") != "rq":
        return False
    import redis

    try:
        return bool(redis.Redis.from_url(settings.TASKS_REDIS_URL).ping())
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.skipif(not redis_answers(), reason="needs TASKS_BACKEND=rq and Redis"),
    pytest.mark.real_tasks,
    pytest.mark.django_db,
]


@pytest.fixture
def rq_queue() -> Iterator:
    """The default queue, held by this test alone.

    Test processes running in parallel share the queue; a Redis lock keeps one
    process's burst worker from running another's jobs against the wrong
    database.
    """
    import django_rq
    from django_tasks_rq import Job

    queue = django_rq.get_queue("default", job_class=Job)
    with queue.connection.lock("lms-tests:rq-queue", timeout=300, blocking_timeout=300):
        queue.empty()  # leftovers of an interrupted earlier run
        yield queue
        queue.empty()


def run_burst(queue) -> None:
    from django_tasks_rq import Job
    from rq import SimpleWorker

    worker = SimpleWorker([queue], connection=queue.connection, job_class=Job)
    worker.work(burst=True, with_scheduler=False)


def test_completion_is_issued_by_an_rq_worker(rq_queue):
    """Completing a course enqueues the issue on Redis; a worker renders the PDF."""
    make_template()
    course, lessons = make_course_tree(modules=1, lessons=1)
    enrolment = enrol(make_user(email="anna@example.edu"), course)
    record_lesson_completed(enrolment, lessons[0])
    result = issue_for_completed_enrolment.enqueue(enrolment.pk)
    assert settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend"
    assert Certificate.objects.filter(enrolment=enrolment).count() == 0
    # Wagtail's own tasks (search and reference index) wait in the queue too.
    assert result.id in rq_queue.job_ids
    mail.outbox.clear()
    run_burst(rq_queue)
    result.refresh()
    assert result.status == "SUCCESSFUL"
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert result.return_value == certificate.serial
    assert certificate.pdf and certificate.pdf.read().startswith(b"%PDF")
    assert [m.to for m in mail.outbox] == [["anna@example.edu"]]


def test_bulk_issue_runs_in_chunks_on_rq_workers(rq_queue, monkeypatch):
    """The bulk task enqueues one job per chunk; the worker issues them all."""
    from certificates import bulk

    monkeypatch.setattr(bulk, "BULK_CHUNK_SIZE", 2)
    make_template()
    course, lessons = make_course_tree(modules=1, lessons=1)
    for _ in range(5):
        completed_enrolment(course, lessons)
    job = start_bulk_issue(course, None, actor=None)
    bulk_issue.enqueue(job.pk)
    run_burst(rq_queue)  # plans the job and enqueues three chunks, then runs them
    job.refresh_from_db()
    assert (job.status, job.issued, job.chunks.count()) == (
        BulkIssueJob.Status.FINISHED,
        5,
        3,
    )
    assert all(
        c.pdf for c in Certificate.objects.filter(course_key=course.translation_key)
    )


def test_queue_health_reads_the_rq_queue(rq_queue):
    """The admin's queue panel counts what waits on Redis and what failed there."""
    from datetime import timedelta

    from courses.task_queue.health import queue_health
    from courses.tasks import refresh_course_summaries

    refresh_course_summaries.enqueue("00000000-0000-0000-0000-000000000000")
    health = queue_health()
    assert (health.backend, health.worker_command) == ("rq", "manage.py rqworker")
    assert health.waiting == len(rq_queue.job_ids) >= 1
    assert timedelta(0) <= health.oldest_age < timedelta(minutes=1)
    assert not health.stalled
