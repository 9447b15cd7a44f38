"""What a hostile PDF costs the verification page, and what the bounds cost a
genuine certificate.

Issues one signed certificate in the demo database (a temporary SQLite file), then
sends each crafted file through ``check_file``, the entry point of the public
``/verify/file/`` page: the probe's files (a cross-reference stream claiming a
million entries, an ``/AcroForm /Fields`` array of 400,000 zeros, arrays nested
5,000 deep), a catalogue with a million-element array (the reader's memory and
time), the certificate with its ``/ByteRange`` mangled, cut short, and with bytes
changed at random, a file that is no PDF, and the certificate itself. For each it
prints the answer, the time and the reading process's peak memory (``-`` where
the file was refused before any process started).

``genuine_s`` is the median time of ``check_file`` on the genuine certificate;
``in_process_s`` the median time of the same reading done in this process without
a child and its limits (as before); ``overhead_s`` their difference.

    .venv/bin/python bench/hostile_pdfs.py [--rounds 5]

Last line: slowest=… slowest_s=… slowest_peak_mb=… max_peak_mb=… files=…
genuine_s=… in_process_s=… overhead_s=…
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class PeakRecorder(logging.Handler):
    """Keeps the peak memory the reader logs for each file."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.peak_bytes: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        self.peak_bytes = getattr(record, "peak_bytes", None)


def crafted(genuine: bytes) -> dict[str, bytes]:
    from tests.certificates import hostile_pdfs as h

    first, second, third, length = h.byte_range_values(genuine)
    files = {
        "xref-1M-entries": h.xref_stream_claiming(1_000_000),
        "400k-zero-fields": h.form_fields_of_zeros(400_000),
        "nested-5000-deep": h.nested_arrays(5_000),
        "million-element-array": h.long_array(1_000_000),
        "byte-range-name": h.with_byte_range(
            genuine, b" ".join([first, second, third, b"/X"])
        ),
        "byte-range-fraction": h.with_byte_range(
            genuine, b" ".join([first, second, third, b"1.5"])
        ),
        "byte-range-past-end": h.with_byte_range(
            genuine,
            b" ".join([first, second, b"9" * len(third), b"9" * len(length)]),
        ),
        "cut-in-signature": h.truncated_in_signature(genuine),
        "not-a-pdf": b"GIF89a" + b"\0" * 1000,
        "garbage-pdf": b"%PDF-1.7\n garbage without structure",
    }
    for seed in range(5):
        files[f"flipped-{seed}"] = h.flipped_in_signature(genuine, seed)
    files["genuine"] = genuine
    return files


def answer_to(data: bytes) -> str:
    from certificates.file_verification import check_file
    from certificates.untrusted_pdf import UnreadablePdf

    try:
        return check_file(data).verdict.value
    except UnreadablePdf as refused:
        return f"unreadable ({refused.reason})"
    except ValueError:
        return "not a PDF"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from bench.certificates import first_certificate, setup

    setup()
    from certificates.delivery import ensure_pdf
    from certificates.models import SigningKey
    from certificates.untrusted_pdf import logger, read_signature

    recorder = PeakRecorder()
    logger.addHandler(recorder)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    certificate = first_certificate()
    ensure_pdf(certificate)
    genuine = certificate.pdf.open("rb").read()
    answer_to(genuine)  # the first child warms the disk cache
    rows = []
    for name, data in crafted(genuine).items():
        recorder.peak_bytes = None
        started = time.perf_counter()
        answer = answer_to(data)
        seconds = time.perf_counter() - started
        rows.append((name, len(data), answer, seconds, recorder.peak_bytes))
        peak = f"{recorder.peak_bytes / 2**20:.0f}" if recorder.peak_bytes else "-"
        print(f"{name:24} {len(data):>9} B  {seconds:6.2f} s  {peak:>4} MB  {answer}")

    timed = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        answer_to(genuine)
        timed.append(time.perf_counter() - started)
    pems = list(SigningKey.objects.values_list("certificate_pem", flat=True))
    in_process = []
    for _ in range(args.rounds):
        started = time.perf_counter()
        read_signature(genuine, pems)
        in_process.append(time.perf_counter() - started)

    slowest = max(rows, key=lambda row: row[3])
    peaks = [row[4] for row in rows if row[4]]
    genuine_s, in_process_s = statistics.median(timed), statistics.median(in_process)
    print(
        f"slowest={slowest[0]} slowest_s={slowest[3]:.2f} "
        f"slowest_peak_mb={(slowest[4] or 0) / 2**20:.0f} "
        f"max_peak_mb={max(peaks) / 2**20:.0f} files={len(rows)} "
        f"genuine_s={genuine_s:.2f} in_process_s={in_process_s:.2f} "
        f"overhead_s={genuine_s - in_process_s:.2f}"
    )


if __name__ == "__main__":
    main()
