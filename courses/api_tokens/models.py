"""Staff's personal API tokens, the log of their requests, and the stored
answers that make a write with an ``Idempotency-Key`` safe to send again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ApiToken(models.Model):
    """A token that acts with its owner's rights. Only a SHA-256 digest of the
    secret is kept: the secret is shown once, when the token is made.

    Wagtail 8 has a token model of its own (``wagtailcore.APIToken``), without
    scope or expiry; the plugin supports Wagtail 7.4 LTS, which has none.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="lms_api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    scope = models.CharField(
        _("access"), max_length=5, choices=Scope.choices, default=Scope.READ
    )
    #: The first characters of the secret, for staff to tell their tokens apart.
    prefix = models.CharField(_("begins with"), max_length=16)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    expires_at = models.DateTimeField(pgettext_lazy("api token", "expires"))
    revoked_at = models.DateTimeField(
        pgettext_lazy("api token", "revoked"), null=True, blank=True
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("manage_api_tokens", _("Can make API tokens"))]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

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
        ApiToken,
        verbose_name=_("token"),
        on_delete=models.CASCADE,
        related_name="requests",
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
