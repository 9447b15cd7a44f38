"""What the activities tests share: an upload of a package's bytes, what the
storage holds of packages, and an activity made from a package."""

from __future__ import annotations

import random
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.activities.models import STORAGE_PREFIX, Activity
from courses.activities.packages import store_package
from tests.activities.package_builders import scorm12_zip

MIB = 1024 * 1024


def upload(data: bytes, name: str = "package.zip") -> SimpleUploadedFile:
    """``data`` as the admin's form receives an uploaded file."""
    return SimpleUploadedFile(name, data, content_type="application/zip")


def stored_files() -> list[str]:
    """Every file kept under the packages' folder, as ``<digest>/<path>``."""
    folder = Path(settings.MEDIA_ROOT) / STORAGE_PREFIX
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def random_bytes(size: int, seed: int = 1) -> bytes:
    """Bytes no compression shrinks."""
    return random.Random(seed).randbytes(size)


def make_activity(package: bytes | None = None, **kwargs) -> Activity:
    """An activity playing ``package`` (a SCORM 1.2 package by default), stored
    as an author's upload stores it."""
    kwargs.setdefault("title", "Inquiry-based learning")
    stored, _created = store_package(upload(package or scorm12_zip()))
    return Activity.objects.create(package=stored, **kwargs)
