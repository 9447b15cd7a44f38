"""The health of the background task queue, for staff on the admin home page.

Certificates, progress recounts after a publish and Wagtail's search index all
wait in the queue until a worker takes them. A queue that nobody works looks
exactly like a healthy one to a learner ("no certificate yet"), so staff are shown
how much waits, for how long, and what failed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

logger = logging.getLogger(__name__)

#: Tasks normally start within seconds; after this long, nobody is taking them.
STALLED_AFTER = timedelta(minutes=2)
#: Failures older than this are no longer news on the home page.
FAILURES_SHOWN_FOR = timedelta(days=7)
FAILURES_SHOWN = 5


@dataclass
class Failure:
    task: str
    at: datetime | None
    error: str


@dataclass
class QueueHealth:
    backend: str
    #: how to start a worker for this backend
    worker_command: str
    waiting: int = 0
    running: int = 0
    oldest_waiting_since: datetime | None = None
    failures: list[Failure] = field(default_factory=list)
    failures_total: int = 0

    @property
    def oldest_age(self) -> timedelta | None:
        if self.oldest_waiting_since is None:
            return None
        return timezone.now() - self.oldest_waiting_since

    @property
    def stalled(self) -> bool:
        """Tasks have waited so long that no worker can be running."""
        age = self.oldest_age
        return age is not None and age > STALLED_AFTER


def _error_line(exception_class: str, traceback: str) -> str:
    """The exception's own line, e.g. ``ValueError: bad input``."""
    lines = [line for line in traceback.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else exception_class


def _database_health(backend) -> QueueHealth:
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.filter(backend_name=backend.alias)
    ready = results.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True)
    recent_failures = results.failed().filter(
        finished_at__gte=timezone.now() - FAILURES_SHOWN_FOR
    )
    return QueueHealth(
        backend="database",
        worker_command="manage.py db_worker",
        waiting=ready.count(),
        running=results.running().count(),
        oldest_waiting_since=oldest.first(),
        failures_total=recent_failures.count(),
        failures=[
            Failure(
                task=row.task_name,
                at=row.finished_at,
                error=_error_line(row.exception_class_path, row.traceback),
            )
            for row in recent_failures.order_by("-finished_at")[:FAILURES_SHOWN]
        ],
    )


def _rq_health(backend) -> QueueHealth:
    import django_rq
    from rq.job import Job

    health = QueueHealth(backend="rq", worker_command="manage.py rqworker")
    since = timezone.now() - FAILURES_SHOWN_FOR
    for name in sorted(backend.queues):
        queue = django_rq.get_queue(name)
        health.waiting += queue.count
        health.running += queue.started_job_registry.count
        first = queue.get_job_ids(0, 1)
        job = Job.fetch(first[0], connection=queue.connection) if first else None
        if job is not None and job.enqueued_at is not None:
            enqueued = job.enqueued_at
            if timezone.is_naive(enqueued):
                enqueued = timezone.make_aware(enqueued, timezone.utc)
            if (
                health.oldest_waiting_since is None
                or enqueued < health.oldest_waiting_since
            ):
                health.oldest_waiting_since = enqueued
        registry = queue.failed_job_registry
        health.failures_total += registry.count
        for job_id in registry.get_job_ids(0, FAILURES_SHOWN - 1):
            failed = Job.fetch(job_id, connection=queue.connection)
            ended = failed.ended_at
            if ended is not None and timezone.is_naive(ended):
                ended = timezone.make_aware(ended, timezone.utc)
            if ended is not None and ended < since:
                continue
            health.failures.append(
                Failure(
                    task=failed.func_name or job_id,
                    at=ended,
                    error=_error_line("", failed.latest_result().exc_string or "")
                    if failed.latest_result()
                    else "",
                )
            )
    health.failures = health.failures[:FAILURES_SHOWN]
    return health


def queue_health() -> QueueHealth | None:
    """How the default task queue is doing, or ``None`` when tasks run inline
    (nothing can wait)."""
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    module = type(backend).__module__
    try:
        if module.startswith("django_tasks_db."):
            return _database_health(backend)
        if module.startswith("django_tasks_rq."):
            return _rq_health(backend)
    except Exception:
        # The home page must open even when the queue's store is down.
        logger.exception("Could not read the task queue's health")
        return QueueHealth(backend="unreachable", worker_command="")
    return None
