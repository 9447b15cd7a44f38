"""Reading the signature of a PDF a stranger uploaded, with bounded time and memory.

pyHanko was written for documents one chose to open, not for hostile ones: a
10 KB file whose cross-reference stream claims a million entries kept it busy for
seconds and hundreds of megabytes, an ``/AcroForm /Fields`` array of 400,000 zeros
wrote one warning per zero to the log, arrays nested 5,000 deep exhausted the
stack, and mutated certificates raised errors no caller expected.

So each file is read in a child process, ``python -m certificates.untrusted_pdf``
(:func:`read_in_child`), which

- lowers its own CPU and address-space limits before it reads the file (in the
  child itself: ``preexec_fn`` may deadlock a parent that runs threads, as
  runserver and gunicorn's threaded workers do; where there is no ``resource``
  module, as on Windows, the parent's timeout alone bounds it);
- silences logging and warnings, so nothing a file makes pyHanko or pypdf say
  reaches the site's log;
- answers with one line of JSON.

Before that, the parent refuses from the raw bytes what no certificate looks like
(:func:`absurdity`: object counts, cross-reference sizes, form fields and nesting
far beyond any certificate's), so such a file costs no process at all.

The time a file may take starts when the child has loaded pyHanko and says it is
ready (about a quarter of a second on an idle machine, longer on a busy one), so a
busy server does not turn genuine certificates away. The parent then waits at
most ``Limits.seconds``, kills the child after that, and turns a timeout, a crash
or an error into :class:`UnreadablePdf`, with one line in the log.

A new interpreter rather than a fork: the web process has threads and database
connections a fork would copy, and a multiprocessing forkserver would run the
program's main module (whatever script the host started) in every child.

This module imports nothing of Django or of the app; the caller passes the limits
(:mod:`certificates.signing.pdf` reads them from the settings).
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import math
import re
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.pdf_embedded import (
    EmbeddedPdfSignature,
    async_validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext

try:
    import resource
except ImportError:  # not Unix: the parent's timeout alone bounds the child
    resource = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

#: More objects (or cross-reference entries) than any certificate has: ours have
#: about 30, one edited in a PDF editor a few hundred.
MAX_OBJECTS = 10_000
#: Arrays and dictionaries nested deeper than this are no certificate's.
MAX_NESTING = 100

#: The directory that holds the ``certificates`` package. The child starts there,
#: so ``python -m`` imports this very copy of the code, installed or not.
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
#: What the child says once it has loaded pyHanko and limited itself.
READY = b"ready\n"
#: Reasons the child gives without building them (its memory may be full).
OUT_OF_MEMORY = "it needs more memory than allowed"
TOO_DEEP = "it nests objects too deep"


class UnreadablePdf(ValueError):
    """The file could not be read as a PDF within the limits; ``reason`` says why
    (for the log, not for the visitor)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """What reading one file may cost."""

    #: Wall-clock seconds from the child's "ready" to its answer.
    seconds: float
    #: The child's address space, in bytes (about 70 MB are pyHanko's own).
    memory_bytes: int


# The parent's side -------------------------------------------------------------


def read_in_child(data: bytes, published_pems: list[str], limits: Limits) -> dict:
    """The signature of ``data`` as :func:`read_signature` reads it, read in a
    child process within ``limits``. Raises :class:`UnreadablePdf` when the file
    is refused, or the child runs out of time or memory, crashes or fails.

    Each file is logged once, with its ``seconds`` and ``peak_bytes`` (the
    child's peak resident memory, where known) as attributes of the record: at
    DEBUG when read, INFO when the file is refused, WARNING when a limit was hit.
    """
    reason = absurdity(data)
    if reason:
        _refused(reason, logging.INFO, 0.0, None)
    request = json.dumps({"pems": published_pems}).encode() + b"\n" + data
    command = [
        sys.executable,
        "-m",
        __name__,
        # CPU seconds: the file's, and one for loading pyHanko.
        str(math.ceil(limits.seconds) + 1),
        str(limits.memory_bytes),
    ]
    with subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=PACKAGE_ROOT,
    ) as child:
        # Nothing follows "ready" until the child has the whole file, so the
        # line read here leaves nothing behind in the buffer for communicate().
        ready = child.stdout.readline() == READY
        started = time.monotonic()
        peak_bytes = None
        try:
            output, errors = child.communicate(
                request if ready else None, timeout=limits.seconds
            )
        except subprocess.TimeoutExpired:
            peak_bytes = _peak_of(child.pid)
            child.kill()
            child.communicate()
            _refused(
                f"it took longer than {limits.seconds:g} s",
                logging.WARNING,
                time.monotonic() - started,
                peak_bytes,
            )
    seconds = time.monotonic() - started
    try:
        answer = json.loads(output)
    except ValueError:
        # Killed by a signal (SIGXCPU at the CPU limit), or Python gave up.
        last_words = errors.decode(errors="replace").strip().splitlines()[-1:]
        _refused(
            f"the reading process ended with {child.returncode}"
            + "".join(f": {line}" for line in last_words),
            logging.WARNING,
            seconds,
            None,
        )
    peak_bytes = answer.pop("peak_bytes", None)
    if "error" in answer:
        limit_hit = answer["error"] == OUT_OF_MEMORY
        _refused(
            answer["error"],
            logging.WARNING if limit_hit else logging.INFO,
            seconds,
            peak_bytes,
        )
    logger.debug(
        "An uploaded PDF was read in %.2f s.",
        seconds,
        extra={"seconds": seconds, "peak_bytes": peak_bytes},
    )
    return answer


def _refused(
    reason: str, level: int, seconds: float, peak_bytes: int | None
) -> NoReturn:
    # One line per file, whatever the file: the reason, never the content.
    logger.log(
        level,
        "An uploaded PDF was not read: %s (%.2f s).",
        reason,
        seconds,
        extra={"seconds": seconds, "peak_bytes": peak_bytes},
    )
    raise UnreadablePdf(reason)


def _peak_of(pid: int | str) -> int | None:
    """The peak resident memory of a process (``"self"``: this one) since it
    started its program, where /proc tells it. (``ru_maxrss`` would not do: it
    counts the parent's memory the child had before ``exec``.)"""
    try:
        with open(f"/proc/{pid}/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


# Before the child: the raw bytes -----------------------------------------------

# Possessive and bounded, so that no pattern backtracks: each scan is linear.
_SIZE = re.compile(rb"/(?:Size|N)\s++(\d{1,20}+)")
_INDEX = re.compile(rb"/Index\s*+\[([\d\s]{0,4096}+)\]")
_OBJ = re.compile(rb"\d\s++\d++\s++obj\b")
#: The first 64 KB of each /Fields or /Kids array.
_FIELDS_OR_KIDS = re.compile(rb"/(?:Fields|Kids)\s*+\[([^\]]{0,65536}+)")
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]")


def absurdity(data: bytes) -> str | None:
    """Why ``data`` is no certificate by its raw bytes alone, or None. Cheap (a few
    linear scans in C), so it runs in the parent before any child is started: a
    file made to hurt the reader costs no process at all."""
    # /Size of a cross-reference table or stream, /N of an object stream.
    for match in _SIZE.finditer(data):
        if int(match.group(1)) > MAX_OBJECTS:
            return f"it claims {int(match.group(1))} objects"
    for match in _INDEX.finditer(data):
        counts = [int(value) for value in match.group(1).split()][1::2]
        if sum(counts) > MAX_OBJECTS:
            return f"its cross-reference index claims {sum(counts)} entries"
    if len(_OBJ.findall(data)) > MAX_OBJECTS:
        return f"it has more than {MAX_OBJECTS} objects"
    # The form's fields and the page tree, which pyHanko walks element by element
    # (ten thousand elements take far less than 64 KB).
    for match in _FIELDS_OR_KIDS.finditer(data):
        if len(match.group(1).split()) > MAX_OBJECTS:
            return f"it lists more than {MAX_OBJECTS} form fields or pages"
    # Every opening bracket or dictionary with no closing one in between, seen
    # with everything else removed: a run longer than MAX_NESTING is nesting at
    # least that deep. (Nesting that zigzags past this is stopped by Python's
    # recursion limit in the child, as quickly.)
    brackets = (
        data.replace(b"<<", b"[").replace(b">>", b"]").translate(None, _NOT_BRACKETS)
    )
    if b"[" * (MAX_NESTING + 1) in brackets:
        return f"it nests arrays or dictionaries more than {MAX_NESTING} deep"
    return None


# The child's side --------------------------------------------------------------


def read_signature(data: bytes, published_pems: list[str]) -> dict:
    """The first signature of ``data``, validated offline against the issuer's
    certificates ``published_pems``: ``{"signed": False}``, or ``{"signed": True,
    "valid": …, "signer": index of the signer's pem in published_pems or None,
    "signed_end": where the signed bytes end, or None}``.

    Raises whatever pyHanko raises for a file it cannot read; a signature that
    cannot be validated (altered bytes, a mangled ``/ByteRange``) is ``valid``
    False rather than an error, as the visitor is owed that verdict."""
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    signatures = reader.embedded_signatures
    if not signatures:
        return {"signed": False}
    signature = signatures[0]
    published = [
        (certificate, index)
        for index, pem in enumerate(published_pems)
        for certificate in load_certs_from_pemder_data(pem.encode())
    ]
    try:
        status = asyncio.run(
            async_validate_pdf_signature(
                signature,
                ValidationContext(
                    trust_roots=[certificate for certificate, _ in published],
                    allow_fetching=False,
                ),
                skip_diff=True,
            )
        )
        valid = bool(status.intact and status.valid and status.trusted)
        signer_der = signature.signer_cert.dump() if valid else None
    except Exception:  # any failure of a found signature: it was altered
        valid, signer_der = False, None
    signer = next(
        (index for certificate, index in published if certificate.dump() == signer_der),
        None,
    )
    return {
        "signed": True,
        "valid": valid,
        "signer": signer,
        "signed_end": _signed_end(signature),
    }


def _signed_end(signature: EmbeddedPdfSignature) -> int | None:
    try:
        _start, _length, second_start, second_length = (
            int(value) for value in signature.byte_range
        )
    except Exception:  # a mangled /ByteRange
        return None
    return second_start + second_length


def _limit_self(cpu_seconds: int, memory_bytes: int) -> None:
    if resource is None:
        return
    for kind, soft, hard in (
        # At the soft limit the kernel sends SIGXCPU, which ends the process.
        (resource.RLIMIT_CPU, cpu_seconds, cpu_seconds + 1),
        (resource.RLIMIT_AS, memory_bytes, memory_bytes),
    ):
        _, ceiling = resource.getrlimit(kind)
        if ceiling != resource.RLIM_INFINITY:
            soft, hard = min(soft, ceiling), min(hard, ceiling)
        resource.setrlimit(kind, (soft, hard))


def main() -> None:
    """The child: ``argv`` = CPU seconds, address-space bytes; stdin = one line
    of JSON (``{"pems": [...]}``), then the file; stdout = "ready", then one line
    of JSON."""
    _limit_self(int(sys.argv[1]), int(sys.argv[2]))
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    sys.stdout.buffer.write(READY)
    sys.stdout.buffer.flush()
    header, _, data = sys.stdin.buffer.read().partition(b"\n")
    error = None
    try:
        result = read_signature(data, json.loads(header)["pems"])
    except MemoryError:
        # Nothing allocated here: the memory is still full until this block
        # ends and lets the reader's objects go.
        error = OUT_OF_MEMORY
    except RecursionError:
        error = TOO_DEEP
    except Exception as failure:  # any other failure: an unreadable file
        error = f"{type(failure).__name__} while reading it"
    if error is not None:
        result = {"error": error}
    result["peak_bytes"] = _peak_of("self")
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
