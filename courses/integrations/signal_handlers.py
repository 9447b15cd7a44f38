"""Saving or deleting a webhook endpoint retires the cached list of endpoints
(kept under the content version, see events.active_endpoints)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses.catalogue.content_cache import content_changed
from courses.integrations.models import WebhookEndpoint


@receiver(post_save, sender=WebhookEndpoint)
@receiver(post_delete, sender=WebhookEndpoint)
def endpoints_changed(sender, **kwargs) -> None:
    content_changed()
