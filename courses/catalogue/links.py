"""Links to pages in the language the learner is reading, read in one query for
any number of pages (and kept in the content cache)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.translation import get_language
from wagtail.models import Page

from courses.catalogue import content_cache
from courses.translations import shown_translation

#: What a link to a page needs; loading whole pages would cost more than the page.
PAGE_LINK_FIELDS = ("id", "title", "url_path", "translation_key", "locale_id", "path")


@dataclass(frozen=True)
class PageLink:
    title: str
    url: str

    @classmethod
    def to(cls, page: Page, request: HttpRequest) -> PageLink:
        return cls(title=page.title, url=page.get_url(request) or "")


def page_links(request: HttpRequest, page_ids: list[int]) -> dict[int, PageLink]:
    """A link to each page, or to its live translation in the language being read:
    one query for the pages not in the content cache."""
    language = get_language()

    def build(ids: list[int]) -> dict[int, PageLink]:
        keys = Page.objects.filter(pk__in=ids).values("translation_key")
        pages = list(
            Page.objects.filter(translation_key__in=keys)
            .select_related("locale")
            .only(*PAGE_LINK_FIELDS, "live", "locale__language_code")
            .order_by()
        )
        versions: dict[uuid.UUID, list[Page]] = {}
        for page in pages:
            versions.setdefault(page.translation_key, []).append(page)
        return {
            page.pk: PageLink.to(
                shown_translation(versions[page.translation_key], page, language)
                or page,
                request,
            )
            for page in pages
            if page.pk in ids
        }

    return content_cache.cached_many(
        ("page-link", language, request.get_host()), page_ids, build
    )
