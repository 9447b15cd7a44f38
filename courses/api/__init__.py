"""The JSON API of the plugin: every feature's operations, and what other apps
add (certificates registers its router from its ``ready()``), under one OpenAPI
schema that a host mounts with ``path("api/v1/", include("courses.api.urls"))``.

Operation ids are given explicitly, so that moving an operation between modules
never changes the schema that clients are generated from.
"""

from __future__ import annotations

from ninja import Router

_extra: list[Router] = []


def register_router(router: Router) -> None:
    """Add another app's operations to the API (call from ``ready()``)."""
    if router not in _extra:
        _extra.append(router)


def registered_routers() -> list[Router]:
    return list(_extra)
