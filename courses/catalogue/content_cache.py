"""Published content, cached under one version token that every change replaces.

Each learner page needs the same published structure on every request: the route
from URL to page, the course outline, the neighbouring lessons, the translations
for the language switcher. Reading it costs most of a page's time, and it changes
only when staff edit. So each request reads the version token once (one query by
primary key) and finds the structure in the cache under that token. Any change to
pages, sites, view restrictions, locales, assignments or live sessions writes a
new token; entries under the old one are never read again and expire.

Only requests cache. Tasks, commands and the shell always read the database, as
progress recording and reports must; and after a change within a request, the rest
of that request reads the database too.
"""

from __future__ import annotations

import hashlib
import pickle
import uuid
from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import TypeVar

from django.apps import apps
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

#: Entries outlive their token only until they expire.
TIMEOUT = 24 * 60 * 60

_token: ContextVar[str | None] = ContextVar("content_version_token", default=None)
_MISSING = object()

#: This process's own copies of entries, pickled. An entry never changes under its
#: token, so a copy is as good as the shared cache's and saves a trip to it (and
#: several per page); each use unpickles a fresh object, so no request sees what
#: another did to it. When full, the copies are dropped and read again.
_local: dict[str, bytes] = {}
LOCAL_ENTRIES = 5000


def current_token() -> str | None:
    """The version token in the database; ``None`` before the first migration."""
    ContentVersion = apps.get_model("courses", "ContentVersion")
    table = connection.ops.quote_name(ContentVersion._meta.db_table)
    # Plain SQL: this runs on every request, and compiling the ORM query would cost
    # more than running it.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {table} WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def content_changed() -> None:
    """Retire everything cached, everywhere: published content has changed."""
    ContentVersion = apps.get_model("courses", "ContentVersion")
    token = uuid.uuid4().hex
    if not ContentVersion.objects.filter(pk=1).update(token=token):
        ContentVersion.objects.update_or_create(pk=1, defaults={"token": token})
    # This request may go on to read what it changed: not from the cache.
    _token.set(None)


def cached(key: tuple[Hashable, ...], build: Callable[[], T]) -> T:
    """``build()``, cached under the current version when serving a request.

    ``None`` is not cached: a lookup that found nothing, such as a mistyped URL,
    leaves nothing behind. Nor is anything whose key holds ``None``, such as the id
    of a page previewed before it was first saved.
    """
    token = _token.get()
    if token is None or None in key:
        return build()
    cache_key = _cache_key(token, key)
    value = _get(cache_key)
    if value is _MISSING:
        value = build()
        if value is not None:
            cache.set(cache_key, value, TIMEOUT)
            _keep(cache_key, value)
    return value


def cached_many(
    prefix: tuple[Hashable, ...],
    ids: list[K],
    build: Callable[[list[K]], dict[K, T]],
) -> dict[K, T]:
    """``build(ids)`` one entry per id, cached like :func:`cached`; ``build`` is
    called once, with the ids not cached yet, and may leave out ids it cannot
    find."""
    token = _token.get()
    if token is None:
        return build(ids)
    keys = {_cache_key(token, (*prefix, item)): item for item in ids}
    found = {}
    for key, item in keys.items():
        if key in _local:
            found[item] = pickle.loads(_local[key])
    shared = cache.get_many([key for key, item in keys.items() if item not in found])
    for key, value in shared.items():
        found[keys[key]] = value
        _keep(key, value)
    missing = [item for item in ids if item not in found]
    if missing:
        built = {
            _cache_key(token, (*prefix, item)): (item, value)
            for item, value in build(missing).items()
        }
        cache.set_many({key: value for key, (_item, value) in built.items()}, TIMEOUT)
        for key, (item, value) in built.items():
            found[item] = value
            _keep(key, value)
    return found


def _get(cache_key: str) -> object:
    data = _local.get(cache_key)
    if data is not None:
        return pickle.loads(data)
    value = cache.get(cache_key, _MISSING)
    if value is not _MISSING:
        _keep(cache_key, value)
    return value


def _keep(cache_key: str, value: object) -> None:
    if len(_local) >= LOCAL_ENTRIES:
        _local.clear()
    _local[cache_key] = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)


def forget_local_copies() -> None:
    """Drop this process's copies, as when the shared cache is cleared."""
    _local.clear()


def _cache_key(token: str, key: tuple[Hashable, ...]) -> str:
    # Keys may carry URL components; a digest keeps them short and safe for any
    # cache backend.
    digest = hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()
    return f"content:{token}:{digest}"


def is_active() -> bool:
    """Whether lookups are being cached (a request is being served)."""
    return _token.get() is not None


class ContentCacheMiddleware:
    """Reads the version token for the request, and finds the Wagtail site of the
    request's host under it; Wagtail would ask the database on every request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        reset = _token.set(current_token())
        try:
            request._wagtail_site = cached(
                ("site", request._get_raw_host(), request.get_port()),
                lambda: _find_site(request),
            )
            return self.get_response(request)
        finally:
            _token.reset(reset)


def _find_site(request: HttpRequest):
    from wagtail.models import Site

    site = Site.find_for_request(request)
    if site is not None:
        # Wagtail routes every request from the specific root page: keep that too.
        site.root_page = site.root_page.specific
    return site
