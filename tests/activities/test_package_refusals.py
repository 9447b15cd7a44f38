"""Every refusal of the package validator: its message names the problem, and
no package row and no file is left behind."""

from __future__ import annotations

import io
import json
import stat
import zipfile

import pytest

from courses.activities import packages
from courses.activities.models import Package
from courses.activities.packages import PackageError, store_package
from tests.activities.package_builders import (
    h5p_files,
    scorm12_files,
    scorm12_manifest_with,
    scorm12_zip,
    zip_bytes,
)
from tests.activities.stored import MIB, random_bytes, stored_files, upload

pytestmark = pytest.mark.django_db


def with_info(name: str, data: bytes, **attributes) -> bytes:
    """A SCORM 1.2 package with one more member, its entry set as given."""
    buffer = io.BytesIO(scorm12_zip())
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        for key, value in attributes.items():
            setattr(info, key, value)
        archive.writestr(info, data)
    return buffer.getvalue()


def renamed(data: bytes, old: bytes, new: bytes) -> bytes:
    """The archive with a member's name changed in its raw bytes (both headers),
    as a hostile archiver would write it."""
    assert len(old) == len(new) and data.count(old) == 2
    return data.replace(old, new)


def with_header(data: bytes, name: bytes, field: str, value: int) -> bytes:
    """The archive with a 2-byte field of ``name``'s entry (``"flags"`` or
    ``"method"``) changed in both its headers, as a hostile archiver writes it."""
    offsets = {"flags": (6, 8), "method": (8, 10)}[field]
    out = bytearray(data)
    for signature, offset, name_at in zip(
        (b"PK\x03\x04", b"PK\x01\x02"), offsets, (30, 46), strict=True
    ):
        at = -1
        while (at := out.find(signature, at + 1)) >= 0:
            if out[at + name_at : at + name_at + len(name)] == name:
                out[at + offset : at + offset + 2] = value.to_bytes(2, "little")
    return bytes(out)


def with_crc_broken(data: bytes) -> bytes:
    """A member whose bytes no longer match its checksum."""
    files = scorm12_files()
    stored = zip_bytes(files, compression=zipfile.ZIP_STORED)
    page = files["index.html"].encode()
    return stored.replace(page, page.replace(b"Finish", b"Fimish"))


SCO = (
    '<resources><resource identifier="r" adlcp:scormtype="sco" href="index.html"/>'
    "</resources>"
)


def scorm_with_manifest(manifest: str) -> bytes:
    return zip_bytes({**scorm12_files(), "imsmanifest.xml": manifest})


def h5p_with(**changes) -> bytes:
    files = h5p_files()
    manifest = json.loads(files["h5p.json"])
    for key, value in changes.pop("manifest", {}).items():
        if value is None:
            manifest.pop(key)
        else:
            manifest[key] = value
    files["h5p.json"] = json.dumps(manifest)
    for name, value in changes.pop("files", {}).items():
        if value is None:
            files.pop(name)
        else:
            files[name] = value
    return zip_bytes(files)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE manifest [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><manifest>&lol2;</manifest>'
)
ONE_ORGANISATION = (
    '<organizations default="org"><organization identifier="org"><title>T</title>'
    '<item identifier="i" identifierref="{ref}"><title>T</title></item>'
    "</organization></organizations>"
)
SYMLINK = (stat.S_IFLNK | 0o777) << 16

REFUSALS = {
    "not a zip": (
        lambda: b"%PDF-1.7\n" + bytes(100),
        "The file is not a ZIP archive.",
    ),
    "damaged member": (
        lambda: with_crc_broken(scorm12_zip()),
        "The ZIP archive is damaged: “index.html” cannot be read.",
    ),
    "too many files": (
        lambda: scorm12_zip(extra_files={"a.css": "", "b.css": ""}),
        "The package holds 4 files; at most 3 are accepted.",
    ),
    "too large unpacked": (
        lambda: scorm12_zip(extra_files={"video.mp4": random_bytes(2 * MIB)}),
        "Unpacked, the package takes more than 1.0 MB, the most accepted.",
    ),
    "one file compressed like a bomb": (
        lambda: scorm12_zip(extra_files={"data.json": bytes(20 * MIB)}),
        # The figure depends on zlib's build: about a thousand.
        ("“data.json” is compressed ", " times over, more than any real file is"),
    ),
    "the whole package compressed like a bomb": (
        lambda: scorm12_zip(
            extra_files={
                f"page{n}.js": random_bytes(10 * 1024, n) + bytes(MIB) for n in range(3)
            }
        ),
        ("The package is compressed ", " times over, more than real packages are"),
    ),
    "absolute path": (
        lambda: with_info("/etc/cron.d/x.txt", b"x"),
        "“/etc/cron.d/x.txt” is not a safe file name inside a package",
    ),
    "parent folder": (
        lambda: with_info("../../outside.html", b"x"),
        "“../../outside.html” is not a safe file name inside a package",
    ),
    "backslash": (
        lambda: with_info("..\\outside.html", b"x"),
        "“..\\outside.html” is not a safe file name inside a package",
    ),
    "drive letter": (
        lambda: with_info("C:/Windows/x.html", b"x"),
        "“C:/Windows/x.html” is not a safe file name inside a package",
    ),
    "NUL character": (
        lambda: renamed(
            with_info("page.html_x.txt", b"x"), b"page.html_x.txt", b"page.html\0x.txt"
        ),
        "“page.html\\0x.txt” is not a safe file name inside a package",
    ),
    "symbolic link": (
        lambda: with_info("link.html", b"/etc/passwd", external_attr=SYMLINK),
        "“link.html” is a symbolic link; a package may hold only files.",
    ),
    "duplicate name": (
        lambda: renamed(with_info("index.htmX", b"x"), b"index.htmX", b"index.html"),
        "The package holds “index.html” twice.",
    ),
    "PHP script": (
        lambda: scorm12_zip(extra_files={"api/save.php": "<?php ?>"}),
        "“api/save.php” is a type of file a package may not contain.",
    ),
    "program": (
        lambda: scorm12_zip(extra_files={"setup.exe": b"MZ"}),
        "“setup.exe” is a type of file a package may not contain.",
    ),
    "shell script": (
        lambda: scorm12_zip(extra_files={"run.sh": "#!/bin/sh"}),
        "“run.sh” is a type of file a package may not contain.",
    ),
    "server configuration": (
        lambda: scorm12_zip(extra_files={".htaccess": "Options +ExecCGI"}),
        "“.htaccess” is a type of file a package may not contain.",
    ),
    "Flash": (
        lambda: scorm12_zip(extra_files={"movie.swf": b"FWS"}),
        "“movie.swf” is a type of file a package may not contain.",
    ),
    "encrypted member": (
        lambda: with_header(with_info("secret.html", b"x"), b"secret.html", "flags", 1),
        "“secret.html” is encrypted; upload the package without a password.",
    ),
    "unknown compression": (
        lambda: with_header(scorm12_zip(), b"index.html", "method", 99),
        "“index.html” is compressed in a way that cannot be read",
    ),
    "no manifest": (
        lambda: zip_bytes({"course/imsmanifest.xml": "<manifest/>"}),
        "The package has neither imsmanifest.xml (SCORM) nor h5p.json (H5P)",
    ),
    "both manifests": (
        lambda: zip_bytes({**scorm12_files(), **h5p_files()}),
        "The package has both imsmanifest.xml and h5p.json at its top level",
    ),
    "manifest too large": (
        lambda: scorm_with_manifest(" " * 2048 + scorm12_files()["imsmanifest.xml"]),
        "imsmanifest.xml is larger than 1.0 KB, the most a manifest may be.",
    ),
    "XML not well-formed": (
        lambda: scorm_with_manifest("<manifest>\n<metadata>\n</manifest>"),
        "imsmanifest.xml is not well-formed XML (line 3).",
    ),
    "XML entities": (
        lambda: scorm_with_manifest(BILLION_LAUGHS),
        "imsmanifest.xml declares XML entities or refers to outside files",
    ),
    "not a manifest": (
        lambda: scorm_with_manifest(scorm12_manifest_with("", root="html")),
        "imsmanifest.xml is not a SCORM manifest: its top element is “html”",
    ),
    "unknown SCORM version": (
        lambda: scorm_with_manifest(
            "<manifest><metadata><schemaversion>2.0</schemaversion></metadata>"
            "</manifest>"
        ),
        "imsmanifest.xml does not say whether the package is SCORM 1.2 or SCORM 2004",
    ),
    "no organisation": (
        lambda: scorm_with_manifest(scorm12_manifest_with(SCO)),
        "imsmanifest.xml has no organisation",
    ),
    "default organisation missing": (
        lambda: scorm_with_manifest(
            scorm12_manifest_with(
                ONE_ORGANISATION.format(ref="r").replace('default="org"', 'default="x"')
                + SCO
            )
        ),
        "imsmanifest.xml names “x” as its default organisation, but has no",
    ),
    "item without its resource": (
        lambda: scorm_with_manifest(
            scorm12_manifest_with(ONE_ORGANISATION.format(ref="gone") + SCO)
        ),
        "An item of imsmanifest.xml refers to the resource “gone”",
    ),
    "no SCO": (
        lambda: scorm_with_manifest(
            scorm12_manifest_with(
                ONE_ORGANISATION.format(ref="r") + SCO.replace("sco", "asset")
            )
        ),
        "The default organisation of imsmanifest.xml has no item that launches a SCO",
    ),
    "launch file missing": (
        lambda: zip_bytes({"imsmanifest.xml": scorm12_files()["imsmanifest.xml"]}),
        "The launch file “index.html” named in imsmanifest.xml is not in the package.",
    ),
    "h5p.json not JSON": (
        lambda: h5p_with(files={"h5p.json": "{title: 'x'"}),
        "h5p.json is not valid JSON.",
    ),
    "h5p.json without a title": (
        lambda: h5p_with(manifest={"title": None}),
        "h5p.json lacks “title”, which every H5P package has.",
    ),
    "h5p.json without its dependencies": (
        lambda: h5p_with(manifest={"preloadedDependencies": []}),
        "h5p.json lacks “preloadedDependencies”, which every H5P package has.",
    ),
    "H5P without content": (
        lambda: h5p_with(files={"content/content.json": None}),
        "The package has no content/content.json",
    ),
    "H5P content not JSON": (
        lambda: h5p_with(files={"content/content.json": "question?"}),
        "content/content.json is not valid JSON.",
    ),
    "main library without a version": (
        lambda: h5p_with(manifest={"mainLibrary": "H5P.Other"}),
        "h5p.json's main library “H5P.Other” is not among its preloadedDependencies",
    ),
    "main library missing": (
        lambda: h5p_with(files={"H5P.StemCheck-1.0/library.json": None}),
        "The package lacks its main library (“H5P.StemCheck-1.0/library.json”).",
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_package_names_its_problem_and_leaves_nothing(
    case, settings, monkeypatch
):
    """Each refusal's message names the problem; no package row and no file is
    left behind."""
    build, message = REFUSALS[case]
    data = build()
    if case in ("too many files", "too large unpacked", "manifest too large"):
        settings.LMS_PACKAGE_MAX_FILES = 3
        settings.LMS_PACKAGE_MAX_UNPACKED_BYTES = MIB
        monkeypatch.setattr(packages, "MAX_MANIFEST_BYTES", 1024)
    with pytest.raises(PackageError) as refused:
        store_package(upload(data))
    # Sizes are written with a no-break space between figure and unit.
    shown = refused.value.message.replace("\xa0", " ")
    for part in (message,) if isinstance(message, str) else message:
        assert part in shown
    assert Package.objects.count() == 0
    assert stored_files() == []


def test_a_file_over_the_upload_limit_is_refused_unread(settings):
    """The upload's own size is checked first, against LMS_PACKAGE_MAX_BYTES."""
    settings.LMS_PACKAGE_MAX_BYTES = 1000
    with pytest.raises(PackageError) as refused:
        store_package(upload(scorm12_zip(extra_files={"a.js": random_bytes(2000)})))
    assert refused.value.message.replace("\xa0", " ") == (
        "The file is 3.1 KB; a package may be at most 1000 bytes."
    )
    assert (Package.objects.count(), stored_files()) == (0, [])
