"""The one row behind :mod:`courses.catalogue.content_cache`: a model of its own, so
the cache module can be imported before Django's models are ready."""

from django.db import models


class ContentVersion(models.Model):
    """One row whose token changes whenever published content changes (see
    :mod:`courses.catalogue.content_cache`).

    A random token rather than a counter: a rolled-back change could otherwise hand
    its number to the next change, and entries cached under it would come back.
    """

    token = models.CharField(max_length=32)

    wagtail_reference_index_ignore = True

    def __str__(self) -> str:
        return self.token
