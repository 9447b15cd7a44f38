"""PDFs made to hurt a reader, built in code rather than kept as binary fixtures:
what the probe of the verification page sent, and genuine certificates mangled.
The benchmark (bench/hostile_pdfs.py) builds the same files."""

from __future__ import annotations

import io
import random
import re
import zlib


def pdf_of(*objects: bytes) -> bytes:
    """A PDF whose objects 1, 2, … are ``objects`` (the first the catalogue),
    with a classic cross-reference table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    table = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, table)
    )
    return out.getvalue()


PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def xref_stream_claiming(entries: int) -> bytes:
    """A few kilobytes whose compressed cross-reference stream claims
    ``entries`` entries (the probe's: a million, 15.8 s)."""
    table = zlib.compress(b"\0" * 4 * entries, 9)
    head = (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n" + PAGES + b"\nendobj\n"
    )
    stream = (
        b"3 0 obj\n<< /Type /XRef /Size %d /W [1 2 1] /Root 1 0 R "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % (entries, len(table))
    )
    return (
        head
        + stream
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % len(head)
    )


def form_fields_of_zeros(count: int) -> bytes:
    """An ``/AcroForm /Fields`` array of ``count`` zeros (the probe's: 400,000,
    29 s and a warning per zero in the log)."""
    return pdf_of(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields ["
        + b"0 " * count
        + b"] >> >>",
        PAGES,
    )


def nested_arrays(depth: int) -> bytes:
    """Arrays nested ``depth`` deep in the form's fields (5,000: RecursionError)."""
    return pdf_of(
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields "
        + b"[" * depth
        + b"]" * depth
        + b" >> >>",
        PAGES,
    )


def long_array(count: int) -> bytes:
    """A catalogue with an array of ``count`` zeros that nothing refuses before
    the reader: it costs the reader memory and time in proportion."""
    return pdf_of(
        b"<< /Type /Catalog /Pages 2 0 R /Junk [" + b"0 " * count + b"] >>", PAGES
    )


def with_byte_range(signed: bytes, values: bytes) -> bytes:
    """``signed`` with its ``/ByteRange`` array's content replaced by ``values``
    (padded to the same length, so every offset stays where it was)."""
    match = re.search(rb"/ByteRange\s*\[([^\]]*)\]", signed)
    assert match is not None, "not a signed PDF"
    original = match.group(1)
    assert len(values) <= len(original)
    return (
        signed[: match.start(1)] + values.ljust(len(original)) + signed[match.end(1) :]
    )


def byte_range_values(signed: bytes) -> list[bytes]:
    match = re.search(rb"/ByteRange\s*\[([^\]]*)\]", signed)
    assert match is not None, "not a signed PDF"
    return match.group(1).split()


def flipped_in_signature(signed: bytes, seed: int, flips: int = 3) -> bytes:
    """``signed`` with ``flips`` random bytes (by ``seed``) of its signature
    dictionary, from ``/Contents`` to past ``/ByteRange``, changed."""
    rng = random.Random(seed)
    start = signed.index(b"/Contents <")
    end = signed.index(b"/ByteRange") + 60
    data = bytearray(signed)
    for _ in range(flips):
        data[rng.randrange(start, end)] = rng.randrange(256)
    return bytes(data)


def truncated_in_signature(signed: bytes) -> bytes:
    """``signed`` cut off in the middle of its signature value."""
    return signed[: signed.index(b"/Contents <") + 500]
