"""Limits on guessing what learners type: a check-in code or an enrolment key
allows at most 10 wrong tries per learner (or address) per session or course in
10 minutes, whether tried on the page or through the API.

django-ratelimit counts in the cache, which every process and host shares when
the site runs on Redis; an address is the client's as
:func:`courses.client_address.client_address` reads it (``RATELIMIT_IP_META_KEY``). Only wrong tries count: a learner who types the right
code is never held back by the limit.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TypeVar

from django.http import HttpRequest
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

T = TypeVar("T")

WRONG_TRIES = "10/10m"


class TooManyWrongTries(Exception):
    """The tries are used up; the message says when more are allowed."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        super().__init__(
            ngettext(
                "Too many wrong tries. Try again in %(minutes)d minute.",
                "Too many wrong tries. Try again in %(minutes)d minutes.",
                minutes,
            )
            % {"minutes": minutes}
        )


def _usage(request: HttpRequest, scope: str, increment: bool) -> dict | None:
    return get_usage(
        request,
        group=scope,
        key="user_or_ip",
        rate=WRONG_TRIES,
        method=get_usage.ALL,
        increment=increment,
    )


def guarded(
    request: HttpRequest, scope: str, attempt: Callable[[], T], wrong: type[Exception]
) -> T:
    """Run ``attempt`` (which raises ``wrong`` for a wrong guess) unless the wrong
    tries for ``scope`` are used up; a wrong guess is counted.

    Raises :class:`TooManyWrongTries` without trying when they are used up.
    """
    usage = _usage(request, scope, increment=False)
    if usage is not None and usage["count"] >= usage["limit"]:
        raise TooManyWrongTries(max(1, math.ceil(usage["time_left"] / 60)))
    try:
        return attempt()
    except wrong:
        _usage(request, scope, increment=True)
        raise


def check_in_scope(session) -> str:
    """Wrong check-in codes are counted per live session."""
    return f"check-in:{session.pk}"


def enrolment_key_scope(course) -> str:
    """Wrong enrolment keys are counted per course, in all its languages."""
    return f"enrolment-key:{course.translation_key}"


#: Public look-ups (certificate verification) per address: plenty for people
#: checking certificates, too few for anyone walking through codes.
PUBLIC_LOOKUPS = "60/m"


def too_many_lookups(request: HttpRequest, scope: str) -> bool:
    """Count a public look-up from this address; whether it is over the limit."""
    usage = get_usage(
        request,
        group=scope,
        key="ip",
        rate=PUBLIC_LOOKUPS,
        method=get_usage.ALL,
        increment=True,
    )
    return usage is not None and usage["should_limit"]
