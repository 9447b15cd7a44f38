"""The issuer's public keys, every one it has signed with."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SigningKey(models.Model):
    """A key pair's public half, recorded the first time it signs and never
    deleted: certificates signed before a rotation stay verifiable."""

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    certificate_pem = models.TextField(_("X.509 certificate (PEM)"))
    added_at = models.DateTimeField(_("first used"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")

    def __str__(self) -> str:
        return self.kid
