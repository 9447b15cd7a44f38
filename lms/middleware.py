from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except that a 404 raised by a view stays a 404.

    Django redirects any unprefixed 404 to the language-prefixed path when that path
    would match; with Wagtail's catch-all page route it always would, so an unknown id
    in the API became a redirect. Only paths that matched no view are redirected.
    """

    def process_response(
        self, request: HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        if response.status_code == 404 and request.resolver_match is not None:
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)


SITE_CACHE_SECONDS = 60


SITE_GENERATION_KEY = "lms:site-generation"


def _site_cache_key(request: HttpRequest) -> str:
    from django.core.cache import cache

    generation = cache.get_or_set(SITE_GENERATION_KEY, 1, None)
    return f"lms:site:{generation}:{request._get_raw_host()}:{request.get_port()}"


def forget_cached_sites() -> None:
    """Start a new generation of cached sites, e.g. after a site was edited."""
    from django.core.cache import cache

    try:
        cache.incr(SITE_GENERATION_KEY)
    except ValueError:
        cache.set(SITE_GENERATION_KEY, 1, None)


class SiteCacheMiddleware:
    """Remember which Wagtail site serves a host, instead of asking the database on
    every request. Sites change rarely; a change is picked up within a minute, and
    at once wherever the cache is shared (see ``lms.signal_handlers``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.core.cache import cache
        from wagtail.models import Site

        key = _site_cache_key(request)
        site = cache.get(key)
        if site is None:
            site = Site.find_for_request(request)
            if site is not None:
                cache.set(key, site, SITE_CACHE_SECONDS)
        request._wagtail_site = site
        return self.get_response(request)
