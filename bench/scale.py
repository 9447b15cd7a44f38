"""Scale-out on PostgreSQL, Redis and RQ workers, under load and faults.

Creates a fresh PostgreSQL database (``lms_scale_bench`` on 127.0.0.1:5432, user
postgres) and uses two Redis databases on 127.0.0.1:6379 (cache 13, queue 12;
both must be empty, and are flushed at the end), seeds the demo programme, then:

1. Bulk issuing through RQ (``TASKS_BACKEND=rq``, ``manage.py rqworker default``
   subprocesses), three runs of ``--count`` completed learners each (a cohort per
   run), from enqueueing the bulk job to the job's ``finished_at``:

   a. one worker; b. two workers. ``speedup_2_workers`` = time(a) / time(b), both
      clean runs with the workers started and idle beforehand.
   c. two workers, one of them SIGKILLed with its work horse (the job it was
      running dies with it) halfway through a chunk, a third started in its place; the
      lost chunk is enqueued again as an operator would, with ``manage.py
      issue_certificates --resume`` once the queue is empty and the job has
      been silent for a few seconds. Its time is printed on stderr only.

   Then, over all three runs: every completed learner must have exactly one valid
   certificate whose PDF exists and exactly one e-mail (the file e-mail backend
   records them), and serial numbers must be unique. ``certificates`` = valid
   certificates of run c; ``duplicates`` = extra valid certificates of a learner
   + repeated serials + extra e-mails; ``missing`` = learners without a valid
   certificate + certificates without a stored PDF + learners never e-mailed.

2. A load test: ``--users`` simulated teachers (locust, headless, loopback only)
   browse their dashboard, course and lessons and mark lessons complete for
   ``--seconds`` against gunicorn with 2 workers (PostgreSQL, Redis cache). Then
   every enrolment's stored summary is compared with a recount. ``load_errors`` =
   failed requests + summaries that differ from the recount; ``load_rps`` and
   ``load_p95_ms`` are locust's aggregate figures.

    .venv/bin/python bench/scale.py [--count 2000] [--users 50] [--seconds 60]

The workers share the machine with PostgreSQL, Redis and this script: the speedup
needs two otherwise idle cores (the load average is printed before each run).

Last line: certificates=… duplicates=… missing=… killed_workers=…
speedup_2_workers=… load_users=… load_rps=… load_p95_ms=… load_errors=…
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG = "postgres://postgres@127.0.0.1:5432"
DB_NAME = "lms_scale_bench"
CACHE_URL = "redis://127.0.0.1:6379/13"
QUEUE_URL = "redis://127.0.0.1:6379/12"
# How long the kill run waits without progress before resuming, as cron would.
STALE_SECONDS = 3.0


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_sql(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        connection.execute(statement)


def environment(workdir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"{PG}/{DB_NAME}",
        DJANGO_SETTINGS_MODULE="bench.settings",
        TASKS_BACKEND="rq",
        REDIS_URL=CACHE_URL,
        TASKS_REDIS_URL=QUEUE_URL,
        MEDIA_ROOT=str(workdir / "media"),
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(workdir / "mail"),
        PYTHONUNBUFFERED="1",
    )
    return env


class Processes:
    """Child processes, each in its own process group, all ended in :meth:`stop`."""

    def __init__(self, env: dict[str, str], logdir: Path) -> None:
        self.env = env
        self.logdir = logdir
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, *command: str) -> subprocess.Popen:
        output = (self.logdir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.running.append(process)
        return process

    def kill(self, process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):  # the group is gone already
            os.killpg(process.pid, sig)

    def kill_tree(self, process: subprocess.Popen) -> None:
        """SIGKILL the process and its children, as a lost host would. RQ's work
        horse runs in a session of its own, so killing the group would spare it."""
        pids = [process.pid]
        for pid in pids:
            for children in Path(f"/proc/{pid}/task").glob("*/children"):
                pids += [int(child) for child in children.read_text().split()]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def stop(self, process: subprocess.Popen) -> None:
        self.kill(process, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill(process)
            process.wait(timeout=15)
        self.kill(process)  # any child left behind in the group
        self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process)


# Seeding ----------------------------------------------------------------------


def setup_database() -> None:
    from bench.demo_db import setup_demo_database

    setup_demo_database()


def seed_cohorts(runs: list[str], count: int) -> tuple[Any, dict[str, Any]]:
    """A cohort of ``count`` completed learners of the demo course per run."""
    from bench.demo_db import add_completed_learners, demo_course
    from courses.models import Cohort

    course = demo_course()
    cohorts = {}
    for run in runs:
        cohorts[run] = Cohort.objects.create(course=course, name=f"Bench {run}")
        add_completed_learners(
            course, count, prefix=f"bulk-{run}-", cohort=cohorts[run]
        )
    return course, cohorts


def seed_teachers(users: int, path: Path) -> None:
    """A course of 4 modules × 6 lessons, ``users`` teachers enrolled in it and
    signed in; their cookies and the lesson paths go to ``path`` for locust."""
    from django.test import Client
    from django.urls import reverse
    from django.utils import translation

    from bench.demo_db import demo_course
    from courses.enrolment.enrolling import enrol
    from tests.factories import make_course_tree, make_user

    parent = demo_course().get_parent()
    course, lessons = make_course_tree(
        modules=4, lessons=6, parent=parent.specific, title="Slodzes kurss"
    )
    teachers = []
    for n in range(users):
        user = make_user(username=f"load-{n}", email=f"load-{n}@example.edu")
        enrol(user, course)
        client = Client()
        client.force_login(user)
        teachers.append({"sessionid": client.cookies["sessionid"].value})

    def complete_url(lesson_id: int) -> str:
        with translation.override("lv"):
            return reverse("courses:complete_lesson", args=[lesson_id])

    path.write_text(
        json.dumps(
            {
                "teachers": teachers,
                "course": course.url,
                "lessons": [
                    {"url": lesson.url, "complete": complete_url(lesson.pk)}
                    for lesson in lessons
                ],
            }
        )
    )


# 1. Bulk issuing ---------------------------------------------------------------


def queue():
    import django_rq

    return django_rq.get_queue("default")


def wait_for_workers(pids: set[int], timeout: float = 60) -> None:
    from rq import Worker

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pids <= {w.pid for w in Worker.all(connection=queue().connection)}:
            return
        time.sleep(0.2)
    raise RuntimeError(f"RQ workers {pids} did not start; see their logs")


def running_a_chunk(process: subprocess.Popen) -> bool:
    """Whether the worker is halfway through a chunk: killing it then loses work."""
    from django_tasks_rq import Job
    from rq import Worker

    from certificates.models import BulkIssueChunk

    connection = queue().connection
    for worker in Worker.all(connection=connection):
        job_id = worker.get_current_job_id() if worker.pid == process.pid else None
        if job_id is None:
            continue
        job = Job.fetch(job_id, connection=connection)
        if job.func_name.endswith("bulk_issue_chunk"):
            return BulkIssueChunk.objects.filter(
                pk=job.args[0], status=BulkIssueChunk.Status.RUNNING
            ).exists()
    return False


def start_worker(processes: Processes, name: str) -> subprocess.Popen:
    return processes.start(
        name, sys.executable, "manage.py", "rqworker", "default", "--verbosity", "0"
    )


def bulk_run(
    processes: Processes, course, cohort, workers: int, kill: bool, timeout: float
) -> tuple[float, int]:
    """Issue the cohort's certificates with ``workers`` RQ workers; returns the
    seconds from enqueueing to the job's end and how many workers were killed."""
    from django.core.management import call_command
    from django.db.models import Max
    from django.utils import timezone

    from certificates.bulk import start_bulk_issue
    from certificates.models import BulkIssueChunk, BulkIssueJob
    from certificates.tasks import bulk_issue

    pool = [start_worker(processes, f"worker-{cohort.pk}-{n}") for n in range(workers)]
    wait_for_workers({p.pid for p in pool})
    log(
        f"  {workers} worker(s) ready, {queue().count} jobs queued before; "
        f"load average {load_average()}"
    )
    job = start_bulk_issue(course, cohort, actor=None)
    started = timezone.now()
    bulk_issue.enqueue(job.pk)
    killed = 0
    deadline = time.monotonic() + timeout
    try:
        while True:
            job.refresh_from_db()
            if job.status == BulkIssueJob.Status.FINISHED:
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"bulk issue {job.pk} unfinished after {timeout}s")
            if job.status == BulkIssueJob.Status.FAILED and not kill:
                raise RuntimeError(f"bulk issue {job.pk} failed: {job.errors}")
            if queue().failed_job_registry.count and not kill:
                raise RuntimeError("an RQ job failed; see the workers' logs")
            chunks = BulkIssueChunk.objects.filter(job=job)
            done = chunks.filter(status=BulkIssueChunk.Status.DONE).count()
            if kill and not killed and done * 3 >= chunks.count() > 0:
                victim = pool[0]
                while not running_a_chunk(victim):
                    time.sleep(0.02)
                processes.kill_tree(victim)
                victim.wait()
                processes.running.remove(victim)
                killed += 1
                log(
                    f"  SIGKILLed worker {victim.pid} at {done}/{chunks.count()} chunks"
                )
                pool[0] = start_worker(processes, f"worker-{cohort.pk}-replacement")
            silent = timezone.now() - (
                chunks.aggregate(last=Max("touched_at"))["last"] or started
            )
            if killed and queue().count == 0 and silent.total_seconds() > STALE_SECONDS:
                out = io.StringIO()
                call_command(
                    "issue_certificates",
                    "--resume",
                    f"--job={job.pk}",
                    f"--stale-after={STALE_SECONDS}",
                    stdout=out,
                )
                log(f"  resume: {out.getvalue().strip()}")
            time.sleep(0.2)
    finally:
        for process in pool:
            if process in processes.running:
                processes.stop(process)
    elapsed = (job.finished_at - started).total_seconds()
    again = BulkIssueChunk.objects.filter(job=job, attempts__gt=1).count()
    if again:
        log(f"  {again} chunk(s) ran again after the kill")
    log(
        f"  job {job.pk}: {job.issued} issued, {job.skipped} skipped, "
        f"{job.failed} failed in {elapsed:.1f}s ({job.issued / elapsed:.1f}/s)"
    )
    return elapsed, killed


def count_emails(maildir: Path) -> Counter:
    recipients: Counter = Counter()
    for path in maildir.glob("*.log") if maildir.exists() else []:
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("To: "):
                recipients[line[4:].strip()] += 1
    return recipients


def check_certificates(cohorts: dict[str, Any], maildir: Path) -> dict[str, int]:
    from django.conf import settings
    from django.db.models import Count

    from certificates.models import Certificate
    from courses.models import Enrolment

    valid = Certificate.objects.filter(
        status=Certificate.Status.VALID, cohort__in=cohorts.values()
    )
    per_enrolment = dict(
        valid.values_list("enrolment")
        .annotate(n=Count("pk"))
        .values_list("enrolment", "n")
    )
    enrolments = Enrolment.objects.filter(
        cohort__in=cohorts.values(), status=Enrolment.Status.COMPLETED
    ).select_related("user")
    emails = count_emails(maildir)
    serials = Counter(Certificate.objects.values_list("serial", flat=True))
    no_pdf = sum(
        1
        for name in valid.values_list("pdf", flat=True)
        if not name or not (Path(settings.MEDIA_ROOT) / name).is_file()
    )
    duplicates = (
        sum(n - 1 for n in per_enrolment.values() if n > 1)
        + sum(n - 1 for n in serials.values() if n > 1)
        + sum(emails[e.user.email] - 1 for e in enrolments if emails[e.user.email] > 1)
    )
    missing = (
        sum(1 for e in enrolments if e.pk not in per_enrolment)
        + no_pdf
        + sum(1 for e in enrolments if not emails[e.user.email])
    )
    log(
        f"  checked {len(enrolments)} learners: {sum(emails.values())} e-mails, "
        f"{no_pdf} certificates without a PDF"
    )
    return {
        "certificates": valid.filter(cohort=cohorts["killed"]).count(),
        "duplicates": duplicates,
        "missing": missing,
    }


# 2. Load test -----------------------------------------------------------------


def load_test(
    processes: Processes, teachers: Path, csv_prefix: Path, users: int, seconds: int
) -> dict[str, float]:
    from bench.load import wait_until_up

    port = free_port()
    server = processes.start(
        "gunicorn",
        sys.executable,
        "-m",
        "gunicorn",
        "lms.wsgi",
        "--config",
        "gunicorn.conf.py",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
    )
    try:
        wait_until_up("127.0.0.1", port)
        log(f"  gunicorn up on port {port}; load average {load_average()}")
        locust = processes.start(
            "locust",
            str(Path(sys.executable).parent / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            "10",
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{port}",
            "--csv",
            str(csv_prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        )
        locust.wait(timeout=seconds + 120)
        processes.running.remove(locust)
    finally:
        if server in processes.running:
            processes.stop(server)
    with Path(f"{csv_prefix}_stats.csv").open() as stats:
        total = next(
            row for row in csv.DictReader(stats) if row["Name"] == "Aggregated"
        )
    log(
        f"  {total['Request Count']} requests, {total['Failure Count']} failed, "
        f"median {total['Median Response Time']} ms"
    )
    return {
        "rps": float(total["Requests/s"]),
        "p95": float(total["95%"]),
        "failures": int(total["Failure Count"]),
    }


def check_summaries(usernames_prefix: str) -> int:
    """Enrolments whose stored summary differs from a recount (which it stores)."""
    from courses.models import Enrolment
    from courses.progress.recording import SUMMARY_FIELDS, refresh_summary

    compared = ("status", "completed_items", "total_items", "percent", "hours_earned")
    assert set(compared) <= set(SUMMARY_FIELDS)
    differing = 0
    enrolments = Enrolment.objects.filter(user__username__startswith=usernames_prefix)
    for enrolment in enrolments:
        stored = tuple(getattr(enrolment, name) for name in compared)
        recounted = refresh_summary(enrolment)
        if stored != tuple(getattr(recounted, name) for name in compared):
            differing += 1
    completed = sum(e.completed_items for e in enrolments.all())
    log(
        f"  {enrolments.count()} enrolments, {completed} lessons completed; "
        f"{differing} summaries differ from a recount"
    )
    return differing


# Main -------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    args = parser.parse_args()

    import redis

    for url in (CACHE_URL, QUEUE_URL):
        if redis.Redis.from_url(url).dbsize():
            raise SystemExit(f"{url} is not empty; it may be someone else's.")
    # A plain SIGTERM (e.g. from `timeout`) must still run the clean-up below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-scale-"))
    (workdir / "logs").mkdir()
    env = environment(workdir)
    os.environ.update(env)
    processes = Processes(env, workdir / "logs")
    admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME}")
    admin_sql(f"CREATE DATABASE {DB_NAME}")
    log(f"work directory {workdir}; load average {load_average()}")
    try:
        setup_database()
        runs = ["one", "two", "killed"]
        course, cohorts = seed_cohorts(runs, args.count)
        # Seeding queued Wagtail's index updates and summary recounts; the timed
        # runs measure certificates only (and a recount would undo the seeded
        # completions, which have no lesson records behind them).
        queue().empty()
        timeout = max(300.0, args.count / 5)
        log(f"bulk issue of {args.count} with 1 worker")
        one, _ = bulk_run(processes, course, cohorts["one"], 1, False, timeout)
        log(f"bulk issue of {args.count} with 2 workers")
        two, _ = bulk_run(processes, course, cohorts["two"], 2, False, timeout)
        log(f"bulk issue of {args.count} with 2 workers, one SIGKILLed")
        _, killed = bulk_run(processes, course, cohorts["killed"], 2, True, timeout)
        result = check_certificates(cohorts, workdir / "mail")

        log(f"load test: {args.users} teachers for {args.seconds}s")
        teachers = workdir / "teachers.json"
        seed_teachers(args.users, teachers)
        env["LMS_BENCH_TEACHERS"] = str(teachers)
        load = load_test(
            processes, teachers, workdir / "locust", args.users, args.seconds
        )
        differing = check_summaries("load-")
    finally:
        processes.stop_all()
        from django.db import connections

        connections.close_all()
        for url in (CACHE_URL, QUEUE_URL):
            redis.Redis.from_url(url).flushdb()
        admin_sql(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    print(
        f"certificates={result['certificates']} duplicates={result['duplicates']} "
        f"missing={result['missing']} killed_workers={killed} "
        f"speedup_2_workers={one / two:.2f} load_users={args.users} "
        f"load_rps={load['rps']:.1f} load_p95_ms={load['p95']:.0f} "
        f"load_errors={load['failures'] + differing}"
    )


if __name__ == "__main__":
    main()
