"""The version of the published content, which cached lookups are keyed by."""

from django.db import models


class ContentVersion(models.Model):
    """One row whose token changes whenever pages, sites, view restrictions,
    locales, assignments or live sessions change (see ``courses.content_cache``).

    A random token rather than a counter: a rolled-back change could otherwise hand
    its number to the next change, and entries cached under it would come back.
    """

    token = models.CharField(max_length=32)

    wagtail_reference_index_ignore = True

    def __str__(self) -> str:
        return self.token
