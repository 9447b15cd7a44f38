from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Site

from lms.middleware import forget_cached_sites


@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
def site_changed(**kwargs) -> None:
    """A changed site may serve other hosts now; see SiteCacheMiddleware."""
    forget_cached_sites()
