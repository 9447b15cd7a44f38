"""How the API knows who asks: a browser's session (with CSRF) for learners and
staff, and for staff also a personal token (:mod:`courses.api_tokens.auth`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth


class BrowserSessionAuth(SessionAuth):
    """Django's session, with CSRF checked on every state change."""

    def __call__(self, request: HttpRequest) -> Any:
        # The CSRF check parses form data; reading the raw body first keeps it
        # available to the API's own parser, whatever the content type. Multipart
        # bodies are left to Django's streaming parser: read whole, an uploaded
        # file would count against DATA_UPLOAD_MAX_MEMORY_SIZE.
        if not request.content_type.startswith("multipart/"):
            request.body  # noqa: B018
        return super().__call__(request)
