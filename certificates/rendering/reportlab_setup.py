"""What the ReportLab renderer keeps for the whole process, apart from the layout of
any one page: the fonts it registers, the lines it has measured, local copies of
frozen images, and ReportLab's stream setting switched off while a page is built.

Each is set up once per process because a bulk issue renders a cohort in a row.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, lru_cache
from pathlib import Path

import segno
from django.core.files.storage import default_storage
from reportlab import rl_config
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

#: The fonts that ship with the app; both DejaVu faces cover Latvian letters.
FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"

_streams_lock = threading.Lock()


@contextmanager
def binary_streams() -> Iterator[None]:
    """Build a PDF without ReportLab's ASCII85 wrapping of every stream.

    ``rl_config.useA85`` (on by default) makes streams 7-bit safe for old mail
    systems: a quarter larger and, without ReportLab's C accelerator, the slowest
    step of a page. It is a process-wide setting, so it is switched off only while
    a page is built, under a lock so concurrent renders cannot restore it under
    one another.
    """
    with _streams_lock:
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            yield
        finally:
            rl_config.useA85 = saved


@cache
def register_font(name: str, filename: str) -> str:
    """Make the font file ``filename`` in :data:`FONT_DIR` usable as ``name``."""
    # Parsing a TrueType file takes milliseconds; once per process is enough.
    pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    return name


def image_file(name: str) -> str:
    """A local file of a frozen image, for ``drawImage``.

    Given a JPEG file, ReportLab copies its bytes into the PDF as they are; given an
    image in memory, it decodes and hashes the pixels on every page.
    """
    try:
        return default_storage.path(name)
    except NotImplementedError:  # remote storage: one download per process
        return _downloaded(name)


@cache
def _downloaded(name: str) -> str:
    # Frozen images are named by their content, so a copy never goes stale.
    with default_storage.open(name, "rb") as stored:
        data = stored.read()
    handle, path = tempfile.mkstemp(prefix="certificate-", suffix=".jpg")
    with os.fdopen(handle, "wb") as local:
        local.write(data)
    return path


@lru_cache(maxsize=2048)
def split_lines(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """``text`` broken into lines no wider than ``width`` in ``font`` at ``size``."""
    # Certificates of one course share most of their lines; measuring them once
    # per process saves most of the layout time of a bulk issue.
    return tuple(simpleSplit(text, font, size, width))


def qr_operators(url: str, mask: int) -> tuple[str, int]:
    """``url`` as a QR code: the PDF path operators that fill its dark modules
    (one unit per module, rows downwards) and the number of modules a side."""
    # A fixed mask: choosing the "best" of eight is most of segno's time, and
    # readers decode every mask alike.
    matrix = segno.make(url, error="m", micro=False, mask=mask).matrix
    rects = []
    for row_index, row in enumerate(matrix):
        start = None
        # A run of dark modules is one rectangle: fewer operators to write.
        for col, dark in enumerate((*row, 0)):
            if dark and start is None:
                start = col
            elif not dark and start is not None:
                rects.append(f"{start} {row_index} {col - start} 1 re")
                start = None
    return "\n".join(rects) + "\nf", len(matrix)
