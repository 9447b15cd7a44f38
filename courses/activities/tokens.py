"""Signed, expiring tokens in the content origin's paths.

The content origin has no session: a path carries all it may open. A package
token opens one package's files; an attempt token lets the player read and write
one learner's attempt. Both are signed with the site's secret and expire, so a
copied address stops working; neither says who the learner is.
"""

from __future__ import annotations

from django.core import signing

from courses.activities.models import ActivityAttempt, Package

#: How long a launched lesson keeps working without a reload: a long evening.
MAX_AGE_SECONDS = 8 * 60 * 60

_PACKAGE_SALT = "courses.activities.package"
_ATTEMPT_SALT = "courses.activities.attempt"


def package_token(package: Package) -> str:
    return signing.TimestampSigner(salt=_PACKAGE_SALT).sign(package.digest)


def attempt_token(attempt: ActivityAttempt) -> str:
    return signing.TimestampSigner(salt=_ATTEMPT_SALT).sign(str(attempt.pk))


def _unsign(token: str, salt: str) -> str | None:
    try:
        return signing.TimestampSigner(salt=salt).unsign(token, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None


def package_digest(token: str) -> str | None:
    """The digest of the package ``token`` opens, or None when it is forged or
    expired (no query: files are served by digest)."""
    return _unsign(token, _PACKAGE_SALT)


def attempt_from_token(token: str) -> ActivityAttempt | None:
    """The attempt ``token`` opens, with its package, activity and enrolment."""
    pk = _unsign(token, _ATTEMPT_SALT)
    if pk is None or not pk.isdigit():
        return None
    return (
        ActivityAttempt.objects.select_related(
            "package", "activity", "enrolment__course", "enrolment__user"
        )
        .filter(pk=int(pk))
        .first()
    )
