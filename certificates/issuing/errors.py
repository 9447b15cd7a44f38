"""Why issuing, re-issuing or revoking a certificate was refused."""

from __future__ import annotations


class IssuingError(Exception):
    """Issuing refused; the message says why, for the person who asked."""


class RevokedError(IssuingError):
    """The learner's certificate for the course was revoked: only staff, by an
    explicit re-issue or a manual issue, give them another."""
