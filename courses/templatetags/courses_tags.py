"""Template helpers for the learner-facing theme: language switching and lookups."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from wagtail.models import Page

from courses.learning import PAGE_LINK_FIELDS

register = template.Library()


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping[key]``, or ``None`` when the key is missing: templates cannot
    index a dict by a variable."""
    if not mapping:
        return None
    try:
        return mapping.get(key)
    except AttributeError:
        return None


def _language_root(language_code: str) -> str:
    with translation.override(language_code):
        try:
            return reverse("wagtail_serve", args=[""])
        except NoReverseMatch:
            return "/"


@register.filter
def translated_path(request: HttpRequest, language_code: str) -> str:
    """The current URL with its language prefix swapped for ``language_code``.

    For views outside the page tree (dashboard, sign-in), whose URL patterns are the
    same in every language.
    """
    return translate_url(request.get_full_path(), language_code)


@register.simple_tag
def translation_urls(page: Page, request: HttpRequest) -> dict[str, str]:
    """Language code → URL of ``page`` in that language, for the language switcher.

    Page slugs differ between languages, so swapping the URL prefix would lead to a
    404; a language the page is not translated into gets that language's home page.
    """
    urls = {code: _language_root(code) for code, _name in settings.LANGUAGES}
    translations = (
        page.get_translations(inclusive=True)
        .live()
        .select_related("locale")
        .only(*PAGE_LINK_FIELDS, "locale__language_code")
        .order_by()
    )
    for translation_page in translations:
        url = translation_page.get_url(request)
        if url:
            urls[translation_page.locale.language_code] = url
    return urls
