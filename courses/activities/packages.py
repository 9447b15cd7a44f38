"""Uploaded e-learning packages: the one validator every package passes, and the
store that keeps each package once, by its content hash.

A package is HTML and JavaScript that learners' browsers run, written by whoever
may upload one, so what it may hold is checked before a byte of it is stored:

- it is a ZIP archive within the site's limits (``LMS_PACKAGE_MAX_BYTES`` for the
  upload, ``LMS_PACKAGE_MAX_UNPACKED_BYTES`` and ``LMS_PACKAGE_MAX_FILES`` for what
  it unpacks to) and compressed no more than real files are, so a "zip bomb" is
  refused before it fills the disk. Sizes are counted from the bytes actually
  unpacked, never taken from the archive's own headers;
- every name stays inside the package's folder (no absolute paths, ``..``,
  backslashes, drive letters or control characters), is no symbolic link and no
  duplicate, and has an extension of a file a browser shows (nothing a server
  could run: no ``.php``, ``.exe``, ``.sh``, ``.htaccess``; no Flash);
- its manifest is readable and names a launch file the package has:
  ``imsmanifest.xml`` (SCORM 1.2 or 2004) or ``h5p.json`` (H5P, with its content
  and its main library), read in ``manifests.py``.

A refusal raises :class:`PackageError` with a message for the author naming the
problem; nothing is written or recorded. The archive is read member by member in
chunks, so memory stays small whatever the package's size.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from courses.activities.errors import PackageError
from courses.activities.manifests import read_manifest
from courses.activities.models import Package
from courses.conf import lms_setting

#: Read and written in pieces of this size: memory stays flat for any package.
CHUNK_BYTES = 1024 * 1024
#: A file compressed more than this many times over is no real file (text
#: compresses about 3-10 times, a page of spaces some 100); only files and
#: packages past ``RATIO_FLOOR`` are judged, as a tiny file may be all spaces.
MAX_FILE_RATIO = 200
MAX_TOTAL_RATIO = 50
RATIO_FLOOR = 1024 * 1024
#: The manifests are read whole, so they have a limit of their own.
MAX_MANIFEST_BYTES = 10 * 1024 * 1024
#: Longer names could not be kept as a launch file (500 characters).
MAX_NAME_LENGTH = 400

#: What a package may hold: pages, scripts, styles, data, media and fonts that a
#: browser shows. Nothing a web server would run, and no Flash (``swf``), which
#: no browser plays any more.
ALLOWED_EXTENSIONS = frozenset(
    {
        *("html", "htm", "xhtml", "js", "mjs", "css", "map"),
        *("json", "xml", "xsd", "dtd", "txt", "csv", "md", "vtt", "srt"),
        *("svg", "png", "jpg", "jpeg", "gif", "webp", "avif", "bmp", "ico"),
        *("mp3", "m4a", "wav", "ogg", "oga", "mp4", "m4v", "ogv", "webm"),
        *("woff", "woff2", "ttf", "otf", "eot", "pdf"),
    }
)

#: What archivers add on their own (macOS's resource forks and folder settings,
#: Windows' thumbnails): neither checked nor stored.
_ARCHIVER_LEFTOVERS = re.compile(
    r"(^|/)(__MACOSX/.*|\.DS_Store|Thumbs\.db|desktop\.ini)$", re.IGNORECASE
)
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class PackageManifest:
    """What the validator found in a package it accepted."""

    kind: str
    title: str
    #: The file a player opens first (for H5P, ``h5p.json``).
    launch: str
    #: Unpacked bytes, counted as they were read.
    size: int
    file_count: int
    #: The files to store, in the archive's order.
    names: tuple[str, ...]


def max_upload_bytes() -> int:
    return lms_setting("LMS_PACKAGE_MAX_BYTES")


# Validation -----------------------------------------------------------------------


def inspect_package(file: IO[bytes]) -> PackageManifest:
    """What ``file`` (an uploaded package) holds, or :class:`PackageError`."""
    _check_upload_size(file)
    file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise PackageError(
            _(
                "The file is not a ZIP archive. SCORM and H5P packages are ZIP files "
                "(an .h5p file is one too)."
            )
        ) from None
    with archive:
        members = _members(archive)
        size = _read_all(archive, members)
        names = {info.filename for info in members}
        kind, title, launch = read_manifest(
            lambda name: _read_small(archive, name), names
        )
    return PackageManifest(
        kind=kind,
        title=title[: Package._meta.get_field("title").max_length],
        launch=launch,
        size=size,
        file_count=len(members),
        names=tuple(info.filename for info in members),
    )


def _check_upload_size(file: IO[bytes]) -> None:
    size = getattr(file, "size", None)
    if size is None:
        size = file.seek(0, 2)
    if size > max_upload_bytes():
        raise PackageError(
            _("The file is %(size)s; a package may be at most %(limit)s.")
            % {
                "size": filesizeformat(size),
                "limit": filesizeformat(max_upload_bytes()),
            }
        )


def _members(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's files to keep, each checked by its entry alone."""
    entries = archive.infolist()
    limit = lms_setting("LMS_PACKAGE_MAX_FILES")
    if len(entries) > limit:
        raise PackageError(
            _("The package holds %(count)s files; at most %(limit)s are accepted.")
            % {"count": len(entries), "limit": limit}
        )
    members, seen = [], set()
    for info in entries:
        name = info.filename
        if _ARCHIVER_LEFTOVERS.search(name):
            continue
        _check_name(info)
        if name in seen:
            raise PackageError(
                _("The package holds “%(name)s” twice.") % {"name": name}
            )
        seen.add(name)
        if info.is_dir():
            continue
        _check_entry(info)
        members.append(info)
    declared = sum(info.file_size for info in members)
    if declared > lms_setting("LMS_PACKAGE_MAX_UNPACKED_BYTES"):
        raise _too_large_unpacked()
    _check_ratio(declared, sum(info.compress_size for info in members))
    return members


def _check_name(info: zipfile.ZipInfo) -> None:
    # ``orig_filename`` keeps what ``filename`` cuts at a NUL character.
    name = info.orig_filename
    parts = name.removesuffix("/").split("/")
    if (
        not name
        or name.startswith("/")
        or "\\" in name
        or _DRIVE.match(name)
        or _CONTROL.search(name)
        or len(name) > MAX_NAME_LENGTH
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise PackageError(
            _(
                "“%(name)s” is not a safe file name inside a package: absolute "
                "paths, “..”, backslashes, drive letters and control characters "
                "are refused."
            )
            % {"name": name.replace("\x00", "\\0")}
        )


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if stat.S_ISLNK(info.external_attr >> 16):
        raise PackageError(
            _("“%(name)s” is a symbolic link; a package may hold only files.")
            % {"name": name}
        )
    extension = posixpath.splitext(name)[1].lower().removeprefix(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise PackageError(
            _(
                "“%(name)s” is a type of file a package may not contain. Accepted "
                "types: %(types)s."
            )
            % {"name": name, "types": ", ".join(sorted(ALLOWED_EXTENSIONS))}
        )
    if info.flag_bits & 0x1:
        raise PackageError(
            _("“%(name)s” is encrypted; upload the package without a password.")
            % {"name": name}
        )
    if info.file_size > RATIO_FLOOR and (
        info.file_size > MAX_FILE_RATIO * max(info.compress_size, 1)
    ):
        raise PackageError(
            _(
                "“%(name)s” is compressed %(ratio)s times over, more than any real "
                "file is (at most %(limit)s): the archive looks made to fill the "
                "server's disk."
            )
            % {
                "name": name,
                "ratio": info.file_size // max(info.compress_size, 1),
                "limit": MAX_FILE_RATIO,
            }
        )


def _check_ratio(size: int, compressed: int) -> None:
    if size > RATIO_FLOOR and size > MAX_TOTAL_RATIO * max(compressed, 1):
        raise PackageError(
            _(
                "The package is compressed %(ratio)s times over, more than real "
                "packages are (at most %(limit)s): the archive looks made to fill "
                "the server's disk."
            )
            % {"ratio": size // max(compressed, 1), "limit": MAX_TOTAL_RATIO}
        )


def _too_large_unpacked() -> PackageError:
    return PackageError(
        _("Unpacked, the package takes more than %(limit)s, the most accepted.")
        % {"limit": filesizeformat(lms_setting("LMS_PACKAGE_MAX_UNPACKED_BYTES"))}
    )


def _read_all(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> int:
    """Unpack every member once, counting its real bytes (its checksum is
    verified on the way), and return their total."""
    limit = lms_setting("LMS_PACKAGE_MAX_UNPACKED_BYTES")
    total = 0
    for info in members:
        for chunk in _chunks(archive, info):
            total += len(chunk)
            if total > limit:
                raise _too_large_unpacked()
    return total


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK_BYTES):
                yield chunk
    except NotImplementedError:
        raise PackageError(
            _(
                "“%(name)s” is compressed in a way that cannot be read; save the "
                "package as an ordinary ZIP file."
            )
            % {"name": info.filename}
        ) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        raise PackageError(
            _("The ZIP archive is damaged: “%(name)s” cannot be read.")
            % {"name": info.filename}
        ) from None


def _read_small(archive: zipfile.ZipFile, name: str) -> bytes:
    """A manifest's bytes (already counted and checked by :func:`_read_all`)."""
    info = archive.getinfo(name)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise PackageError(
            _("%(name)s is larger than %(limit)s, the most a manifest may be.")
            % {"name": name, "limit": filesizeformat(MAX_MANIFEST_BYTES)}
        )
    return b"".join(_chunks(archive, info))


# Storing ---------------------------------------------------------------------------


def package_digest(file: IO[bytes]) -> str:
    """The SHA-256 of ``file``'s bytes, read in chunks."""
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(CHUNK_BYTES):
        digest.update(chunk)
    return digest.hexdigest()


def store_package(file: IO[bytes], uploaded_by=None) -> tuple[Package, bool]:
    """The package of ``file``: the one already stored with the same bytes, or a
    new one, its files written to the default storage under its digest; and
    whether it is new. Raises :class:`PackageError` (nothing written) for a
    package the validator refuses.

    The row is made last, so a package row always has all its files; when writing
    fails, the files written are removed again."""
    _check_upload_size(file)
    digest = package_digest(file)
    existing = Package.objects.filter(digest=digest).first()
    if existing is not None:
        return existing, False
    manifest = inspect_package(file)
    package = Package(
        digest=digest,
        kind=manifest.kind,
        title=manifest.title,
        launch=manifest.launch,
        size=manifest.size,
        file_count=manifest.file_count,
        uploaded_by=uploaded_by,
    )
    written: list[str] = []
    try:
        _write_files(file, package, manifest, written)
        with transaction.atomic():
            package.save(force_insert=True)
    except IntegrityError:
        # The same file, stored at the same moment by another upload: its files
        # are these very bytes, and its row is the package.
        return Package.objects.get(digest=digest), False
    except BaseException:
        if not Package.objects.filter(digest=digest).exists():
            for name in written:
                default_storage.delete(name)
        raise
    return package, True


def _write_files(
    file: IO[bytes], package: Package, manifest: PackageManifest, written: list[str]
) -> None:
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        for name in manifest.names:
            target = package.storage_name(name)
            # A failed upload of the same file may have left it behind; the
            # storage would otherwise save under another name.
            if default_storage.exists(target):
                default_storage.delete(target)
            with archive.open(name) as member:
                content = File(member, name=posixpath.basename(name))
                # Known and checked; a member's own ``name`` is no path on disk.
                content.size = archive.getinfo(name).file_size
                saved = default_storage.save(target, content)
            written.append(saved)
            if saved != target:
                raise RuntimeError(f"The storage saved {target} as {saved}.")
