"""Saving or deleting a registration retires the cached "is LTI in use" answer
and the platforms' origins that may frame our pages (kept under the content
version, see courses.lti.platforms)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses.catalogue.content_cache import content_changed
from courses.lti.models import LtiRegistration


@receiver(post_save, sender=LtiRegistration)
@receiver(post_delete, sender=LtiRegistration)
def registrations_changed(sender, **kwargs) -> None:
    content_changed()
