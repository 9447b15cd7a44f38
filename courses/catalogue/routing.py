"""How a request reaches a course page: from the content cache, or with one query
per level of the catalogue.

Wagtail walks the page tree with two queries per level (the child, then its
specific type) and checks each page's view restrictions with two more. The page
types below a catalogue are fixed and course pages rarely have restrictions, so
the pages a URL leads to, the catalogue in the active language and the absence of
restrictions are each read once and then remembered under the content version
(:mod:`courses.catalogue.content_cache`).
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import get_language
from wagtail.models import Page, PageViewRestriction

from courses.catalogue import content_cache


class CachedViewRestrictionsMixin:
    """Wagtail checks a page's view restrictions on every request, with two
    queries; course pages rarely have any, and the content cache remembers that."""

    def get_view_restrictions(self):
        if content_cache.is_active() and not content_cache.cached(
            ("restricted", self.pk), self._has_view_restrictions
        ):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def _has_view_restrictions(self) -> bool:
        return super().get_view_restrictions().exists()


class CatalogueRouteMixin(CachedViewRestrictionsMixin):
    """For the catalogue page: resolves the URLs of the pages below it by their
    URL paths, one level at a time, each as its own page type."""

    #: The page type of each level below the catalogue, as "app_label.Model".
    route_page_types: tuple[str, ...] = ()

    @property
    def localized(self):
        """This catalogue in the active language, as its specific page.

        The catalogue is usually the site's root page, which Wagtail localises on
        every request (a query for the locale, and two more in other languages).
        """
        return content_cache.cached(
            ("localized", self.pk, get_language()),
            lambda: Page.localized.fget(self).specific,
        )

    def route(self, request, path_components):
        """Resolve the pages below from the content cache, or with one query per
        level; the pages found on the way (the course, the module) are handed to
        the last one, which needs them to check access."""
        if not path_components or len(path_components) > len(self.route_page_types):
            return super().route(request, path_components)
        found = content_cache.cached(
            ("route", self.pk, *path_components),
            lambda: self._route_pages(path_components),
        )
        if found is None:
            return super().route(request, path_components)
        return found[-1].route(request, [])

    def _route_pages(self, path_components: list[str]) -> list[Page] | None:
        """The page at each level along the path, or ``None``."""
        found: list[Page] = []
        for depth in range(1, len(path_components) + 1):
            model = apps.get_model(self.route_page_types[depth - 1])
            url_path = self.url_path + "/".join(path_components[:depth]) + "/"
            page = (
                model.objects.filter(
                    url_path=url_path,
                    path__startswith=self.path,
                    depth=self.depth + depth,
                )
                # A lesson's body is rendered from its own cache (lesson_page.html).
                .defer_streamfields()
                .first()
            )
            if page is None:
                return None
            if found:
                page._cached_parent_obj = found[-1]
                page.course_page = found[0]
            found.append(page)
        return found
