"""Certificates per second against a floor and against the naive QR code.

Seeds the demo programme (bilingual default template: two fonts, a logo, two
signature images) in a temporary SQLite database, issues one certificate, then
renders N certificates from in-memory copies of its snapshot (each with its own
name, serial and verification code), and in the same run:

- the floor: a bare ReportLab canvas drawing exactly the same strings with the same
  fonts at the same places, and nothing else (no frame, images or QR code);
- the naive way: the same page with ReportLab's ``QrCodeWidget`` for the QR code.

and the same certificates rendered and signed (PAdES, pyHanko) with the issuer's
EC P-256 key: ``signed_vs_unsigned`` is the time of render + sign over render;
and each certificate's Open Badges 3.0 credential built and signed (VC-JWT).

    .venv/bin/python bench/certificates.py [--count 500] [--rounds 3]
    .venv/bin/python bench/certificates.py --bulk 5000 [--workers 2]
    .venv/bin/python bench/certificates.py --status-list 100000

Last line: certs_per_s=… floor_per_s=… naive_per_s=… vs_floor=… vs_naive=…
signed_per_s=… signed_vs_unsigned=… pdf_kb=… signed_pdf_kb=… ob3_per_s=…
With ``--bulk N``: issues N signed certificates (snapshot, PDF, signature,
storage) in this one process and prints bulk_certificates=… bulk_s=… peak_mb=…;
with ``--workers W`` as a site does, through the database task queue with W
``manage.py db_worker`` processes, and prints bulk_certificates=… bulk_s=…
workers=… worker_peak_mb=… (the largest peak resident memory of a worker).
With ``--status-list N``: adds N certificate rows (one in ten revoked) and times
building the revocation list (Bitstring Status List): from the database (cold),
then with the revoked ids cached, unsigned and signed:
status_certificates=… status_list_cold_ms=… status_list_ms=… status_list_signed_ms=…
"""

from __future__ import annotations

import argparse
import copy
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.demo_db import NAMES  # noqa: E402  (after the path is set)


def setup() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-cert-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["SIGNING_DIR"] = str(workdir)
    from bench.demo_db import setup_demo_database

    setup_demo_database()
    # The issuer's key pair, as a configured site has it (the workers read it from
    # the environment).
    from django.conf import settings

    from certificates.signing import generate_pair

    key_pem, certificate_pem = (pem.decode() for pem in generate_pair("Bench issuer"))
    settings.LMS_SIGNING_KEY = os.environ["SIGNING_KEY"] = key_pem
    settings.LMS_SIGNING_CERTIFICATE = os.environ["SIGNING_CERTIFICATE"] = (
        certificate_pem
    )


def first_certificate():
    from certificates.issuing import issue_certificate
    from certificates.models import Certificate
    from courses.models import Enrolment

    enrolment = Enrolment.objects.select_related("user", "course", "cohort").get(
        user__username="teacher"
    )
    return issue_certificate(enrolment, how=Certificate.How.MANUAL, reason="benchmark")


def variants(certificate, count: int) -> list:
    """In-memory certificates: the issued snapshot with other names and numbers."""
    from certificates.codes import format_code, new_code
    from certificates.models import Certificate
    from certificates.verification import verification_url

    result = []
    for n in range(count):
        snapshot = copy.deepcopy(certificate.snapshot)
        code = new_code()
        snapshot["learner"] = NAMES[n % len(NAMES)]
        snapshot["serial"] = f"DU-2026-{n + 1:06d}"
        snapshot["code"] = format_code(code)
        snapshot["verification_url"] = verification_url(code)
        result.append(Certificate(snapshot=snapshot, verification_code=code))
    return result


def renderers():
    """(ours, floor, naive) as callables taking a certificate."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.pdfgen.canvas import Canvas

    from certificates.rendering import get_renderer
    from certificates.rendering.reportlab_pdf import BLACK, ReportLabRenderer
    from certificates.rendering.reportlab_setup import binary_streams

    ours = get_renderer("reportlab")

    class Recorder(ReportLabRenderer):
        """Notes every string the page draws, to replay on a bare canvas."""

        def draw_text(self, canvas, x, y, text, font, size, align="left"):
            self.ops.append((x, y, text, font, size, align))
            super().draw_text(canvas, x, y, text, font, size, align)

    class Naive(ReportLabRenderer):
        def draw_qr(self, canvas, data):
            size = self.qr_size
            widget = QrCodeWidget(data["verification_url"], barLevel="M")
            x0, y0, x1, y1 = widget.getBounds()
            drawing = Drawing(
                size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0]
            )
            drawing.add(widget)
            renderPDF.draw(
                drawing,
                canvas,
                self.width - self.margin - size - 2 * 2.83,
                self.margin + 12 * 2.83,
            )

    recorder = Recorder()
    naive = Naive()

    def record(certificate) -> tuple:
        recorder.ops = []
        recorder.render(certificate)
        return (recorder.width, recorder.height), recorder.ops

    def floor(page: tuple) -> bytes:
        size, ops = page
        buffer = io.BytesIO()
        # The same PDF settings as ours, so only the drawing differs.
        with binary_streams():
            canvas = Canvas(buffer, pagesize=size, pageCompression=1)
            canvas.setFillColor(BLACK)
            for x, y, text, font, font_size, align in ops:
                canvas.setFont(font, font_size)
                if align == "centre":
                    canvas.drawCentredString(x, y, text)
                elif align == "right":
                    canvas.drawRightString(x, y, text)
                else:
                    canvas.drawString(x, y, text)
            canvas.showPage()
            canvas.save()
        return buffer.getvalue()

    return ours.render, floor, naive.render, record


def open_badge_signer(certificate, certificates: list):
    """Build and sign one in-memory certificate's Open Badge; the variants take
    the issued certificate's learner, course and dates."""
    from certificates.openbadges import sign_credential
    from certificates.signing import current_key

    for variant in certificates:
        variant.pk = certificate.pk
        variant.user = certificate.user
        variant.course_key = certificate.course_key
        variant.issued_at = certificate.issued_at
    key = current_key()
    return lambda variant: sign_credential(variant, key)


def timed(function, items) -> float:
    start = time.perf_counter()
    for item in items:
        function(item)
    return time.perf_counter() - start


def bench_render(count: int, rounds: int) -> None:
    from certificates.signing import current_key, sign_pdf

    certificate = first_certificate()
    ours, floor, naive, record = renderers()
    key = current_key()

    def signed(certificate) -> bytes:
        return sign_pdf(ours(certificate), key)

    certificates = variants(certificate, count)
    open_badge = open_badge_signer(certificate, certificates)
    pages = [record(c) for c in certificates]
    for function, items in (
        (ours, certificates),
        (floor, pages),
        (naive, certificates),
        (signed, certificates),
        (open_badge, certificates),
    ):
        for item in items[:5]:  # warm caches: fonts, images
            function(item)
    results: dict[str, list[float]] = {
        "ours": [],
        "floor": [],
        "naive": [],
        "signed": [],
        "ob3": [],
    }
    naive_items = certificates[: max(50, count // 5)]
    for _ in range(rounds):
        results["ours"].append(timed(ours, certificates) / len(certificates))
        results["floor"].append(timed(floor, pages) / len(pages))
        results["naive"].append(timed(naive, naive_items) / len(naive_items))
        results["signed"].append(timed(signed, certificates) / len(certificates))
        results["ob3"].append(timed(open_badge, certificates) / len(certificates))
    per = {name: statistics.median(values) for name, values in results.items()}
    pdf_kb = len(ours(certificates[0])) / 1024
    signed_kb = len(signed(certificates[0])) / 1024
    print(
        f"rendered {count} × {rounds} rounds; naive measured on {len(naive_items)} "
        f"per round; one PDF: {pdf_kb:.1f} KB",
        file=sys.stderr,
    )
    print(
        f"certs_per_s={1 / per['ours']:.1f} floor_per_s={1 / per['floor']:.1f} "
        f"naive_per_s={1 / per['naive']:.1f} "
        f"vs_floor={per['ours'] / per['floor']:.2f} "
        f"vs_naive={per['naive'] / per['ours']:.2f} "
        f"signed_per_s={1 / per['signed']:.1f} "
        f"signed_vs_unsigned={per['signed'] / per['ours']:.2f} "
        f"pdf_kb={pdf_kb:.1f} signed_pdf_kb={signed_kb:.1f} "
        f"ob3_per_s={1 / per['ob3']:.1f}"
    )


def bench_bulk(count: int) -> None:
    """Issue ``count`` certificates of one course in this process, as a worker would."""
    from bench.demo_db import add_completed_learners, demo_course
    from certificates.bulk import run_bulk_issue, start_bulk_issue

    course = demo_course()
    add_completed_learners(course, count, prefix="bulk")
    # Peak resident memory of the whole process (tracemalloc would see only the
    # Python heap, and slow the run several times over).
    start = time.perf_counter()
    job = run_bulk_issue(start_bulk_issue(course, None, actor=None))
    elapsed = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"issued {job.issued}, skipped {job.skipped}, failed {job.failed}; "
        f"{job.issued / elapsed:.1f} certificates/s",
        file=sys.stderr,
    )
    print(f"bulk_certificates={job.issued} bulk_s={elapsed:.1f} peak_mb={rss_mb:.1f}")


def peak_mb(pid: int) -> float:
    """A process's peak resident memory so far (Linux), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def bench_bulk_workers(count: int, workers: int) -> None:
    """Issue ``count`` certificates as a site does: the job enqueued, its chunks
    taken by ``workers`` database-queue workers, each its own process."""
    from django_tasks_db.models import DBTaskResult

    from bench.demo_db import add_completed_learners, demo_course
    from certificates.bulk import start_bulk_issue
    from certificates.models import BulkIssueJob
    from certificates.tasks import bulk_issue

    course = demo_course()
    add_completed_learners(course, count, prefix="bulk")
    # Seeding queued recounts of the course summaries; they are not bulk issuing
    # (and the in-process --bulk leaves them unrun too).
    DBTaskResult.objects.all().delete()
    logs = Path(os.environ["MEDIA_ROOT"]).parent
    pool = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--interval", "0.2"],
            cwd=ROOT,
            env=os.environ,
            stdout=subprocess.DEVNULL,
            stderr=(logs / f"worker-{n}.log").open("w"),
        )
        for n in range(workers)
    ]
    try:
        time.sleep(3)  # the workers start (Django set-up, first poll)
        start = time.perf_counter()
        job = start_bulk_issue(course, None, actor=None)
        bulk_issue.enqueue(job.pk)
        while job.status != BulkIssueJob.Status.FINISHED:
            if any(process.poll() is not None for process in pool):
                raise RuntimeError(f"a worker stopped; see {logs}/worker-*.log")
            time.sleep(0.2)
            job.refresh_from_db()
        elapsed = time.perf_counter() - start
        peaks = [peak_mb(process.pid) for process in pool]
    finally:
        for process in pool:
            process.terminate()
        for process in pool:
            process.wait(timeout=60)
    print(
        f"issued {job.issued}, skipped {job.skipped}, failed {job.failed}; "
        f"{job.issued / elapsed:.1f} certificates/s; worker peaks "
        + ", ".join(f"{peak:.0f} MB" for peak in peaks),
        file=sys.stderr,
    )
    print(
        f"bulk_certificates={job.issued} bulk_s={elapsed:.1f} workers={workers} "
        f"worker_peak_mb={max(peaks):.1f}"
    )


def bench_status_list(count: int, rounds: int) -> None:
    """Time the revocation list with ``count`` more certificates, one in ten
    revoked (the others marked superseded, as one enrolment holds them all)."""
    from certificates.models import Certificate
    from certificates.openbadges.status_list import (
        forget_revoked,
        revocation_list_credential,
        status_list_jwt,
    )

    first = first_certificate()
    Certificate.objects.bulk_create(
        (
            Certificate(
                serial=f"BENCH-{n:07d}",
                verification_code=f"B{n:019d}",
                enrolment_id=first.enrolment_id,
                user_id=first.user_id,
                course_key=first.course_key,
                language=first.language,
                learner_name=first.learner_name,
                course_title=first.course_title,
                hours=first.hours,
                issued_how=first.issued_how,
                status=Certificate.Status.REVOKED
                if n % 10 == 0
                else Certificate.Status.SUPERSEDED,
            )
            for n in range(count)
        ),
        batch_size=5000,
    )
    status_list_jwt()  # warm: the key, the first queries

    def cold(_) -> None:
        forget_revoked()
        revocation_list_credential()

    uncached = [timed(cold, [0]) for _ in range(rounds)]
    unsigned = [
        timed(lambda _: revocation_list_credential(), [0]) for _ in range(rounds)
    ]
    signed = [timed(lambda _: status_list_jwt(), [0]) for _ in range(rounds)]
    total = Certificate.objects.count()
    print(
        f"status_certificates={total} "
        f"status_list_cold_ms={statistics.median(uncached) * 1000:.1f} "
        f"status_list_ms={statistics.median(unsigned) * 1000:.1f} "
        f"status_list_signed_ms={statistics.median(signed) * 1000:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--bulk", type=int, default=0, metavar="N")
    parser.add_argument("--workers", type=int, default=0, metavar="W")
    parser.add_argument("--status-list", type=int, default=0, metavar="N")
    args = parser.parse_args()
    setup()
    if args.bulk and args.workers:
        bench_bulk_workers(args.bulk, args.workers)
    elif args.bulk:
        bench_bulk(args.bulk)
    elif args.status_list:
        bench_status_list(args.status_list, args.rounds)
    else:
        bench_render(args.count, args.rounds)


if __name__ == "__main__":
    main()
