"""What staff's personal API tokens (Wagtail's :class:`~wagtail.models.APIToken`)
may do, the log of their requests, and the stored answers that make a write
with an ``Idempotency-Key`` safe to send again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiTokenAccess(models.Model):
    """What one of Wagtail's API tokens may do here: read only, or also write,
    until when. Wagtail's token keeps the secret's hash, its prefix, who owns it
    and whether it was revoked; a token without this row is refused."""

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    token = models.OneToOneField(
        "wagtailcore.APIToken",
        verbose_name=_("token"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="lms_access",
    )
    scope = models.CharField(
        _("access"), max_length=5, choices=Scope.choices, default=Scope.READ
    )
    expires_at = models.DateTimeField(_("expires"))

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("API token access")
        verbose_name_plural = _("API token access")

    def __str__(self) -> str:
        return f"{self.token} ({self.scope})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class ApiRequestLog(models.Model):
    """One request made with a token: which operation and how it ended. Never the
    body or the query string, which may name people."""

    token = models.ForeignKey(
        "wagtailcore.APIToken",
        verbose_name=_("token"),
        on_delete=models.CASCADE,
        related_name="lms_requests",
    )
    operation = models.CharField(_("operation"), max_length=100)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=300)
    status = models.PositiveSmallIntegerField(_("status"))
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("API request")
        verbose_name_plural = _("API requests")

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"


class IdempotentRequest(models.Model):
    """A write sent with an ``Idempotency-Key``: what was asked (a fingerprint of
    method, path and body) and, once it succeeded, the answer to give again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    #: Empty while the first request is still running.
    status = models.PositiveSmallIntegerField(null=True)
    body = models.BinaryField(default=b"")
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    wagtail_reference_index_ignore = True

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], name="one_idempotent_request_per_key"
            )
        ]

    def __str__(self) -> str:
        return self.key
