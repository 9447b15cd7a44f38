"""What every staff operation does around its work: a write sent with an
``Idempotency-Key`` is answered once and then replayed, and a request made with
a token is logged (operation, method, path, status; never a body or query).

A router made by :func:`staff_router` has both, and the staff authentication.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from courses.api_tokens.auth import READ_METHODS, STAFF_AUTH
from courses.api_tokens.models import ApiRequestLog, IdempotentRequest

HEADER = "Idempotency-Key"
#: How long a key's answer is kept for replay.
KEPT_FOR = timedelta(hours=24)
MAX_KEY_LENGTH = 255

#: The header in the schema of every write (``openapi_extra``).
IDEMPOTENT_WRITE = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
            "description": "Send the write again with the same key and body to get "
            "the first answer, without doing it twice (24 hours).",
        }
    ]
}


def fingerprint(request: HttpRequest) -> str:
    """The request a key stands for: the same key must come with the same one."""
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.body):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def _replay(record: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(
        bytes(record.body), status=record.status, content_type=record.content_type
    )
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_func: Callable) -> Callable:
    """Before a write runs (authenticated, its input valid): answer a key seen
    before, or claim the key for this request."""

    @wraps(view_func)
    def run(request: HttpRequest, *args, **kwargs) -> Any:
        key = request.headers.get(HEADER)
        if key is None or request.method in READ_METHODS:
            return view_func(request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise HttpError(
                400,
                _("The Idempotency-Key header must have 1 to %(max)d characters.")
                % {"max": MAX_KEY_LENGTH},
            )
        mine = IdempotentRequest.objects.filter(user=request.user)
        mine.filter(created_at__lt=timezone.now() - KEPT_FOR).delete()
        asked = fingerprint(request)
        try:
            with transaction.atomic():
                record = mine.create(user=request.user, key=key, fingerprint=asked)
        except IntegrityError:
            record = mine.get(key=key)
            if record.fingerprint != asked:
                raise HttpError(
                    422,
                    _(
                        "This Idempotency-Key was used for a different request; "
                        "use a new key for a new request."
                    ),
                ) from None
            if record.status is None:
                raise HttpError(
                    409,
                    _(
                        "A request with this Idempotency-Key is still running; "
                        "send it again in a moment."
                    ),
                ) from None
            return _replay(record)
        request.idempotent_request = record
        return view_func(request, *args, **kwargs)

    return run


def _keep_answer(request: HttpRequest, response: HttpResponse) -> None:
    record = getattr(request, "idempotent_request", None)
    if record is None:
        return
    # Only a success is kept: a refused request changed nothing, so sending it
    # again (perhaps after fixing what was refused) is safe.
    if 200 <= response.status_code < 300 and not isinstance(
        response, StreamingHttpResponse
    ):
        record.status = response.status_code
        record.body = response.content
        record.content_type = response.get("Content-Type", "")
        record.save(update_fields=["status", "body", "content_type"])
    else:
        record.delete()


def finished(run: Callable) -> Callable:
    """After the operation answered: keep the answer of a key, log a token's
    request."""
    operation_id = getattr(getattr(run, "__self__", None), "operation_id", "") or ""

    @wraps(run)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = run(request, *args, **kwargs)
        except Exception:
            # A crash must not hold the key as "still running" for a day, and
            # the failed request is logged like any other.
            _keep_answer(request, HttpResponse(status=500))
            _log(request, operation_id, 500)
            raise
        _keep_answer(request, response)
        _log(request, operation_id, response.status_code)
        return response

    return wrapper


def _log(request: HttpRequest, operation_id: str, status: int) -> None:
    token = getattr(request, "api_token", None)
    if token is not None:
        ApiRequestLog.objects.create(
            token=token,
            operation=operation_id[:100],
            method=request.method[:10],
            path=request.path[:300],
            status=status,
        )


def staff_router(**kwargs) -> Router:
    """A router for staff operations: token or session, logged, idempotent."""
    router = Router(auth=STAFF_AUTH, **kwargs)
    router.add_decorator(finished, mode="view")
    router.add_decorator(idempotent, mode="operation")
    return router
