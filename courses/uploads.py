"""Uploads refused by their size while the request body is read, so that no byte
past an upload point's limit is kept in memory or written to disk.

Django keeps an uploaded file (in memory, then in a temporary file) before any
form sees it: a size check in a form alone comes after a 200 MB upload was
written to disk. :class:`UploadLimitHandler`, first in ``FILE_UPLOAD_HANDLERS``,
applies each upload point's own limit as the body streams in:

- an upload point registered with :func:`register_upload_limit` (by view name or
  URL namespace) has a form that checks the file's size and says so. A file over
  its limit reaches that form as a :class:`RefusedUpload`, which has the file's
  true size and only its first bytes, and the form answers with its own message.
  The rest of the body is read and thrown away, so the other fields (the CSRF
  token among them) arrive as usual and the visitor sees the form again;
- anywhere else a file, or a body, larger than ``LMS_UPLOAD_MAX_BYTES`` is
  refused as Django refuses too much form data: ``RequestDataTooBig``, a 400.

A body whose ``Content-Length`` already says it is too large (beyond the limit
and the room the form's other fields may take) has its files refused before a
byte of them is read. Django reads no further than ``Content-Length`` (it reads
a chunked body without one as empty), so counting the file's bytes as they arrive
covers the rest. The proxy in front should refuse large bodies before they reach
the site at all (docs/deployment.md).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import HttpRequest

from courses.activities.packages import max_upload_bytes as max_package_bytes
from courses.assignments.submissions import max_upload_bytes
from courses.conf import lms_setting
from courses.enrolment.csv_reading import MAX_FILE_BYTES

#: What a refused file keeps of its beginning, for checks of its type (an image's
#: header tells its format).
HEAD_BYTES = 64 * 1024
#: Room in a body for the multipart framing of each part (boundaries, headers).
FRAMING_BYTES = 64 * 1024

_LIMITS: dict[str, Callable[[], int | None]] = {}


def register_upload_limit(name: str, max_bytes: Callable[[], int | None]) -> None:
    """Files sent to the view ``name`` (``"certificates:verify_file"``), or to any
    view of the URL namespace ``name`` (``"wagtailimages"``), are refused beyond
    ``max_bytes()`` bytes, read at each upload (``None``: the site-wide limit).

    The view's form must refuse an ``upload.size`` above the same limit with a
    message: it receives files over it as :class:`RefusedUpload`."""
    _LIMITS[name] = max_bytes


def register_upload_limits() -> None:
    """The upload points of this app and Wagtail's image and document uploads.
    Wagtail's forms check its own settings; when one is ``None`` (no limit, as
    Wagtail's default for documents) its uploads get the site-wide limit."""
    register_upload_limit("courses:assignment", max_upload_bytes)
    register_upload_limit("api-v1:submit_work", max_upload_bytes)
    register_upload_limit("enrol_csv:index", lambda: MAX_FILE_BYTES)
    # An e-learning activity's add and edit screens.
    register_upload_limit("wagtailsnippets_courses_activity", max_package_bytes)
    for namespace in ("wagtailimages", "wagtailimages_chooser"):
        register_upload_limit(
            namespace,
            # Wagtail's own default for images.
            lambda: getattr(settings, "WAGTAILIMAGES_MAX_UPLOAD_SIZE", 10 * 2**20),
        )
    for namespace in ("wagtaildocs", "wagtaildocs_chooser"):
        register_upload_limit(
            namespace, lambda: getattr(settings, "WAGTAILDOCS_MAX_UPLOAD_SIZE", None)
        )


@dataclass(frozen=True)
class UploadLimit:
    max_bytes: int
    #: The upload point's form refuses larger files itself, with its own message.
    form_refuses: bool


def upload_limit(request: HttpRequest | None) -> UploadLimit:
    """The limit on each file sent with ``request``: its view's, else the site's."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name in (match.view_name, match.namespace):
            registered = _LIMITS.get(name)
            max_bytes = registered() if registered else None
            if max_bytes is not None:
                return UploadLimit(max_bytes, form_refuses=True)
    return UploadLimit(lms_setting("LMS_UPLOAD_MAX_BYTES"), form_refuses=False)


class RefusedUpload(InMemoryUploadedFile):
    """A file refused for its size: its name, its true ``size``, and only its
    first bytes, so that a check of its type still recognises it. The form of its
    upload point refuses it by its size; it is never stored."""


class UploadLimitHandler(FileUploadHandler):
    """Keeps no byte of a file past its upload point's limit (see the module)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit = upload_limit(request)
        self.body_too_large = False
        self.refused = False
        self.received = 0
        self.head = b""

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, Any],
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> None:
        # Read now: the view is known by the time a body is parsed.
        self.limit = upload_limit(self.request)
        fields_room = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        self.body_too_large = (
            fields_room is not None
            and content_length > self.limit.max_bytes + fields_room + FRAMING_BYTES
        )
        if self.body_too_large and not self.limit.form_refuses:
            raise RequestDataTooBig(_too_large(self.limit))

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received, self.head = 0, b""
        self.refused = self.body_too_large
        if self.refused:
            # The handlers that keep files never hear of this one.
            raise StopFutureHandlers

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if len(self.head) < HEAD_BYTES:
            self.head += raw_data[: HEAD_BYTES - len(self.head)]
        self.received += len(raw_data)
        if not self.refused and self.received > self.limit.max_bytes:
            if not self.limit.form_refuses:
                raise RequestDataTooBig(_too_large(self.limit))
            self.refused = True
            self._discard_kept_part()
        # None: the chunk goes no further down the handlers.
        return None if self.refused else raw_data

    def file_complete(self, file_size: int) -> RefusedUpload | None:
        if not self.refused:
            return None
        return RefusedUpload(
            io.BytesIO(self.head),
            self.field_name,
            self.file_name,
            self.content_type,
            self.received,
            self.charset,
            self.content_type_extra,
        )

    def _discard_kept_part(self) -> None:
        """The handlers after this one had the file's first ``limit`` bytes: they
        let them go now (a temporary file is removed) rather than with the request."""
        if self.request is None:
            return
        handlers = list(self.request.upload_handlers)
        for handler in handlers[handlers.index(self) + 1 :]:
            handler.upload_interrupted()


def _too_large(limit: UploadLimit) -> str:
    return f"An uploaded file exceeded {limit.max_bytes} bytes."
