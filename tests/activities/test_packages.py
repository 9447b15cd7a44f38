"""The package store: SCORM 1.2, SCORM 2004 and H5P packages are read for
their kind, title and launch file, and stored once, by their content hash, file
for file."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from courses.activities import packages
from courses.activities.models import STORAGE_PREFIX, Package
from courses.activities.packages import inspect_package, store_package
from tests.activities.package_builders import (
    h5p_zip,
    scorm12_files,
    scorm12_manifest_with,
    scorm12_zip,
    scorm2004_files,
    scorm2004_zip,
    zip_bytes,
)
from tests.activities.stored import stored_files, upload

pytestmark = pytest.mark.django_db


def test_a_scorm12_package_is_stored_by_its_hash(settings):
    """Its kind, title and launch file come from the manifest; each file is kept
    under the digest, byte for byte."""
    data = scorm12_zip(title="Ūdens cikls", extra_files={"css/style.css": "h1{}"})
    package, created = store_package(upload(data), uploaded_by=None)
    assert created
    assert (package.kind, package.title, package.launch) == (
        "scorm12",
        "Ūdens cikls",
        "index.html",
    )
    assert (package.file_count, len(package.digest)) == (3, 64)
    assert stored_files() == [
        f"{package.digest}/css/style.css",
        f"{package.digest}/imsmanifest.xml",
        f"{package.digest}/index.html",
    ]
    with default_storage.open(package.storage_name("css/style.css")) as kept:
        assert kept.read() == b"h1{}"
    assert package.size == sum(len(v) for v in _unzipped(data).values())


def _unzipped(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("version", ["2004 3rd Edition", "2004 4th Edition", "CAM 1.3"])
def test_a_scorm2004_package_is_recognised_by_its_schema_version(version):
    """Every SCORM 2004 edition's ``<schemaversion>`` makes it SCORM 2004."""
    manifest = inspect_package(
        ContentFile(scorm2004_zip(title="Energy", version=version))
    )
    assert (manifest.kind, manifest.title, manifest.launch) == (
        "scorm2004",
        "Energy",
        "index.html",
    )


@pytest.mark.parametrize(
    ("files", "kind"),
    [(scorm12_files(), "scorm12"), (scorm2004_files(), "scorm2004")],
)
def test_without_a_schema_version_the_adl_namespace_decides(files, kind):
    """A manifest without ``<schemaversion>`` is read by ADL's namespace."""
    files["imsmanifest.xml"] = (
        files["imsmanifest.xml"]
        .replace("<schemaversion>", "<!--")
        .replace("</schemaversion>", "-->")
    )
    assert inspect_package(ContentFile(zip_bytes(files))).kind == kind


def test_the_launch_file_follows_xml_base_and_the_default_organisation():
    """The default organisation's first SCO is launched, its path under the
    manifest's and the resource's ``xml:base``, decoded as a URL."""
    manifest = scorm12_manifest_with(
        '<organizations default="b">'
        '<organization identifier="a"><title>A</title>'
        '<item identifier="i1" identifierref="r1"/></organization>'
        '<organization identifier="b"><title>Course B</title>'
        '<item identifier="i2"><title>Part</title>'
        '<item identifier="i3" identifierref="asset"/>'
        '<item identifier="i4" identifierref="r2"/></item></organization>'
        "</organizations>"
        '<resources xml:base="content/">'
        '<resource identifier="r1" adlcp:scormtype="sco" href="a.html"/>'
        '<resource identifier="asset" adlcp:scormtype="asset" href="logo.png"/>'
        '<resource identifier="r2" adlcp:scormtype="sco" xml:base="b/" '
        'href="start%20here.html?part=1"/></resources>'
    )
    files = {"imsmanifest.xml": manifest, "content/b/start here.html": "<p>B</p>"}
    package = inspect_package(ContentFile(zip_bytes(files)))
    assert (package.title, package.launch) == ("Course B", "content/b/start here.html")


def test_an_h5p_package_launches_from_its_h5p_json(settings):
    """An H5P package with its content and main library is stored; its player
    starts from ``h5p.json``."""
    package, created = store_package(upload(h5p_zip(title="Atvērts jautājums")))
    assert created
    assert (package.kind, package.title, package.launch) == (
        "h5p",
        "Atvērts jautājums",
        "h5p.json",
    )
    assert f"{package.digest}/H5P.StemCheck-1.0/stem-check.js" in stored_files()


def test_what_archivers_add_is_neither_checked_nor_stored(settings):
    """macOS's ``__MACOSX`` folder and ``.DS_Store`` files are left out."""
    data = scorm12_zip(
        extra_files={"__MACOSX/._index.html": b"\0", "css/.DS_Store": b"\0"}
    )
    package, _ = store_package(upload(data))
    assert package.file_count == 2
    assert stored_files() == [
        f"{package.digest}/imsmanifest.xml",
        f"{package.digest}/index.html",
    ]


def test_the_same_file_again_reuses_its_package(settings, monkeypatch):
    """Uploading the same bytes again writes nothing and makes no row."""
    first, created = store_package(upload(scorm12_zip()))
    monkeypatch.setattr(default_storage, "save", _must_not_write)
    again, created_again = store_package(upload(scorm12_zip()))
    assert (created, created_again, again) == (True, False, first)
    assert Package.objects.count() == 1


def _must_not_write(*args, **kwargs):
    raise AssertionError("nothing is written for a package already stored")


def test_a_failure_while_writing_leaves_nothing(settings, monkeypatch):
    """When the storage fails half-way, the files already written are removed
    and no row is made."""
    save = default_storage.save
    calls = []

    def failing_save(name, content, **kwargs):
        calls.append(name)
        if len(calls) == 2:
            raise OSError("disk full")
        return save(name, content, **kwargs)

    monkeypatch.setattr(default_storage, "save", failing_save)
    with pytest.raises(OSError):
        store_package(upload(scorm12_zip()))
    assert len(calls) == 2
    assert (Package.objects.count(), stored_files()) == (0, [])


def test_files_left_by_a_failed_upload_are_replaced(settings):
    """A file an earlier, failed upload left under the digest is overwritten,
    not kept beside the new one under another name."""
    data = scorm12_zip()
    digest = packages.package_digest(io.BytesIO(data))
    default_storage.save(f"{STORAGE_PREFIX}/{digest}/index.html", ContentFile(b"old"))
    package, _ = store_package(upload(data))
    assert stored_files() == [
        f"{digest}/imsmanifest.xml",
        f"{digest}/index.html",
    ]
    with default_storage.open(package.storage_name("index.html")) as kept:
        assert kept.read() == _unzipped(data)["index.html"]
