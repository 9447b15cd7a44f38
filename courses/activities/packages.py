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
  ``imsmanifest.xml`` (SCORM 1.2 or 2004, read with defusedxml, which refuses the
  entity tricks of hostile XML) or ``h5p.json`` (H5P, with its content and its
  main library).

A refusal raises :class:`PackageError` with a message for the author naming the
problem; nothing is written or recorded. The archive is read member by member in
chunks, so memory stays small whatever the package's size.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO
from urllib.parse import unquote, urlsplit
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

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

SCORM_MANIFEST = "imsmanifest.xml"
H5P_MANIFEST = "h5p.json"
H5P_CONTENT = "content/content.json"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_ADLCP_12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
_ADLCP_2004 = "http://www.adlnet.org/xsd/adlcp_v1p3"


class PackageError(ValueError):
    """A package refused, with a message for its author naming the problem."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
        kind, title, launch = _read_manifest(archive, names)
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


def _read_manifest(archive: zipfile.ZipFile, names: set[str]) -> tuple[str, str, str]:
    """The package's kind, title and launch file, from its manifest."""
    scorm, h5p = SCORM_MANIFEST in names, H5P_MANIFEST in names
    if scorm and h5p:
        raise PackageError(
            _(
                "The package has both imsmanifest.xml and h5p.json at its top level, "
                "so it is not clear whether it is SCORM or H5P."
            )
        )
    if scorm:
        return _read_scorm(_read_small(archive, SCORM_MANIFEST), names)
    if h5p:
        return _read_h5p(archive, names)
    raise PackageError(
        _(
            "The package has neither imsmanifest.xml (SCORM) nor h5p.json (H5P) at "
            "its top level. If one is inside a folder, zip that folder's contents "
            "instead of the folder."
        )
    )


# SCORM -----------------------------------------------------------------------------


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _attribute(element: Element, name: str) -> str | None:
    """An attribute by its local name, in whichever namespace it was written."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value
    return None


def _read_scorm(data: bytes, names: set[str]) -> tuple[str, str, str]:
    try:
        root = parse_xml(data)
    except DefusedXmlException:
        raise PackageError(
            _(
                "imsmanifest.xml declares XML entities or refers to outside files, "
                "which a package may not do."
            )
        ) from None
    except ParseError as error:
        raise PackageError(
            _("imsmanifest.xml is not well-formed XML (line %(line)s).")
            % {"line": error.position[0]}
        ) from None
    if _local(root.tag) != "manifest":
        raise PackageError(
            _(
                "imsmanifest.xml is not a SCORM manifest: its top element is "
                "“%(tag)s”, not “manifest”."
            )
            % {"tag": _local(root.tag)}
        )
    kind = _scorm_version(root)
    organisation = _default_organisation(root)
    resources = {
        _attribute(resource, "identifier"): resource
        for holder in _children(root, "resources")
        for resource in _children(holder, "resource")
    }
    launch = _scorm_launch(root, organisation, resources)
    if launch not in names:
        raise PackageError(
            _(
                "The launch file “%(name)s” named in imsmanifest.xml is not in the package."
            )
            % {"name": launch}
        )
    titles = _children(organisation, "title")
    title = (titles[0].text or "").strip() if titles else ""
    return kind, title, launch


def _scorm_version(root: Element) -> str:
    """SCORM 1.2 or 2004, from ``<schemaversion>`` or else the ADL namespace."""
    versions = [
        (element.text or "").strip().lower()
        for element in root.iter()
        if _local(element.tag) == "schemaversion"
    ]
    for version in versions:
        if version == "1.2":
            return Package.Kind.SCORM_12
        if version.startswith("2004") or version == "cam 1.3":
            return Package.Kind.SCORM_2004
    namespaces = {
        key.split("}")[0].lstrip("{")
        for element in root.iter()
        for key in [element.tag, *element.attrib]
        if key.startswith("{")
    }
    if _ADLCP_2004 in namespaces:
        return Package.Kind.SCORM_2004
    if _ADLCP_12 in namespaces:
        return Package.Kind.SCORM_12
    raise PackageError(
        _(
            "imsmanifest.xml does not say whether the package is SCORM 1.2 or SCORM "
            "2004 (it has no schemaversion the player knows, nor ADL's namespace)."
        )
    )


def _default_organisation(root: Element) -> Element:
    holders = _children(root, "organizations")
    organisations = [o for h in holders for o in _children(h, "organization")]
    if not organisations:
        raise PackageError(
            _(
                "imsmanifest.xml has no organisation, so the package has nothing for "
                "learners to open."
            )
        )
    default = _attribute(holders[0], "default")
    if not default:
        return organisations[0]
    for organisation in organisations:
        if _attribute(organisation, "identifier") == default:
            return organisation
    raise PackageError(
        _(
            "imsmanifest.xml names “%(id)s” as its default organisation, but has no "
            "organisation of that identifier."
        )
        % {"id": default}
    )


def _scorm_launch(
    root: Element, organisation: Element, resources: dict[str | None, Element]
) -> str:
    """The file of the first item of ``organisation`` that launches a SCO, with
    the ``xml:base`` of the manifest, its resources and the resource honoured."""
    for item in organisation.iter():
        reference = _attribute(item, "identifierref")
        if _local(item.tag) != "item" or not reference:
            continue
        resource = resources.get(reference)
        if resource is None:
            raise PackageError(
                _(
                    "An item of imsmanifest.xml refers to the resource “%(id)s”, "
                    "which the manifest does not have."
                )
                % {"id": reference}
            )
        href = resource.get("href")
        if (_attribute(resource, "scormtype") or "").lower() != "sco" or not href:
            continue
        holder = _children(root, "resources")[0]
        bases = [e.get(_XML_BASE, "") for e in (root, holder, resource)]
        return _resolve(bases, href)
    raise PackageError(
        _(
            "The default organisation of imsmanifest.xml has no item that launches a "
            "SCO, so there is nothing for learners to play."
        )
    )


def _resolve(bases: list[str], href: str) -> str:
    """The package path of ``href`` under the nested ``xml:base`` values (a URL
    path, so decoded; its query and fragment are the player's business)."""
    path = ""
    for part in [*bases, href]:
        part = unquote(urlsplit(part).path)
        if not part:
            continue
        path = part if part.startswith("/") else posixpath.join(path, part)
    return posixpath.normpath(path).lstrip("/") if path else ""


# H5P -------------------------------------------------------------------------------


def _read_json(archive: zipfile.ZipFile, name: str) -> object:
    try:
        return json.loads(_read_small(archive, name))
    except (UnicodeDecodeError, ValueError):
        raise PackageError(_("%(name)s is not valid JSON.") % {"name": name}) from None


def _read_h5p(archive: zipfile.ZipFile, names: set[str]) -> tuple[str, str, str]:
    manifest = _read_json(archive, H5P_MANIFEST)
    if not isinstance(manifest, dict):
        raise PackageError(_("%(name)s is not valid JSON.") % {"name": H5P_MANIFEST})
    expected = {"title": str, "mainLibrary": str, "preloadedDependencies": list}
    for field, kind in expected.items():
        if not isinstance(manifest.get(field), kind) or not manifest[field]:
            raise PackageError(
                _("h5p.json lacks “%(field)s”, which every H5P package has.")
                % {"field": field}
            )
    if H5P_CONTENT not in names:
        raise PackageError(
            _(
                "The package has no content/content.json, the file that holds an "
                "H5P package's content."
            )
        )
    _read_json(archive, H5P_CONTENT)
    library = _main_library_file(manifest)
    if library not in names:
        raise PackageError(
            _(
                "The package lacks its main library (“%(name)s”). Export the H5P "
                "content with its libraries."
            )
            % {"name": library}
        )
    _read_json(archive, library)
    return Package.Kind.H5P, manifest["title"].strip(), H5P_MANIFEST


def _main_library_file(manifest: dict) -> str:
    """``<machineName>-<major>.<minor>/library.json`` of the main library."""
    main = manifest["mainLibrary"]
    for dependency in manifest["preloadedDependencies"]:
        if isinstance(dependency, dict) and dependency.get("machineName") == main:
            major, minor = (dependency.get(k) for k in ("majorVersion", "minorVersion"))
            if isinstance(major, int) and isinstance(minor, int):
                return f"{main}-{major}.{minor}/library.json"
    raise PackageError(
        _(
            "h5p.json's main library “%(library)s” is not among its "
            "preloadedDependencies with a version, so the player cannot load it."
        )
        % {"library": main}
    )


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
