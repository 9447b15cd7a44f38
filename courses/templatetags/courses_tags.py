"""Template helpers for the learner-facing theme: language switching and lookups."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.conf import settings
from django.http import HttpRequest
from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import npgettext
from wagtail.models import Page

from courses.catalogue import content_cache
from courses.catalogue.links import PAGE_LINK_FIELDS
from courses.navigation import nav_items
from courses.people.accounts import login_path, logout_path, signup_path
from courses.site import site_name

register = template.Library()

#: The plural form a fraction of an hour takes ("12.5 academic hours"): the one
#: for 2 in English and Latvian alike.
FRACTION_COUNT = 2


@register.filter
def academic_hours(value: Any) -> str:
    """``value`` academic hours with the noun agreeing with the number: "1
    academic hour", "12.5 academic hours" (in Latvian the abbreviation, "akad.
    st.", which agrees with every number)."""
    try:
        number = Decimal(str(value or 0))
    except InvalidOperation:
        return ""
    whole = number == number.to_integral_value()
    # Its own context: the certificates' full phrase ("1 akadēmiskā stunda") has
    # the same English.
    return npgettext(
        "abbreviated",
        "%(hours)s academic hour",
        "%(hours)s academic hours",
        int(number) if whole else FRACTION_COUNT,
    ) % {"hours": floatformat(number, "-1")}


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


@register.simple_tag(takes_context=True)
def sign_in_url(context: template.Context) -> str:
    """The host site's sign-in page (``LOGIN_URL``), coming back to this page."""
    request = context.get("request")
    path = login_path()
    if request is None:
        return path
    return f"{path}?{urlencode({'next': request.get_full_path()})}"


@register.simple_tag(takes_context=True)
def lms_site_name(context: template.Context) -> str:
    """The site's name in the page's language (``courses.site.site_name``)."""
    return site_name(context.get("request"))


@register.simple_tag(takes_context=True)
def lms_account_links(context: template.Context) -> dict[str, Any]:
    """Sign-in, sign-out and sign-up addresses of the host site, and the links
    other apps add for signed-in learners."""
    items = []
    for item in nav_items():
        try:
            items.append({"label": item.label, "url": reverse(item.url_name)})
        except NoReverseMatch:
            continue
    return {
        "login": login_path(),
        "logout": logout_path(),
        "signup": signup_path(),
        "nav_items": items,
    }


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


class ContentCacheNode(template.Node):
    def __init__(self, nodelist: template.NodeList, values: list) -> None:
        self.nodelist = nodelist
        self.values = values

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        if getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        key = tuple(value.resolve(context) for value in self.values)
        # Page links are relative on the request's own site, absolute on another.
        host = request.get_host() if request else ""
        return content_cache.cached(
            ("fragment", host, translation.get_language(), *key),
            lambda: self.nodelist.render(context),
        )


@register.tag
def contentcache(parser: template.base.Parser, token: template.base.Token):
    """``{% contentcache "name" value … %}…{% endcontentcache %}``: the enclosed
    template, cached under the content version (see ``courses.catalogue.content_cache``),
    the host, the language and the given values, which must be plain values (not objects)
    naming everything it shows besides published content. Previews and values of
    ``None`` are not cached."""
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("contentcache needs a fragment name.")
    nodelist = parser.parse(("endcontentcache",))
    parser.delete_first_token()
    return ContentCacheNode(nodelist, [parser.compile_filter(bit) for bit in bits])


@register.simple_tag
def progress_bar(
    *id_parts: object,
    percent: int,
    label: str,
    detail: str = "",
    small: bool = False,
) -> str:
    """A labelled progress bar whose id joins ``id_parts`` with hyphens; ``detail``
    is a line under the bar.

    Built here rather than from an included template: it repeats on every card of
    the dashboard and course page, and an include costs more than the rest of a card.
    """
    element_id = "-".join(str(part) for part in id_parts)
    return format_html(
        '<div class="progress{}">'
        '<div class="progress__head">'
        '<label class="progress__label" for="{}">{}</label>'
        '<span class="progress__value" aria-hidden="true">{}%</span>'
        "</div>"
        '<progress id="{}" max="100" value="{}">{}%</progress>'
        "{}"
        "</div>",
        " progress--small" if small else "",
        element_id,
        label,
        percent,
        element_id,
        percent,
        percent,
        format_html('<p class="progress__detail">{}</p>', detail) if detail else "",
    )


@register.simple_tag
def translation_urls(page: Page, request: HttpRequest) -> dict[str, str]:
    """Language code → URL of ``page`` in that language, for the language switcher.

    Page slugs differ between languages, so swapping the URL prefix would lead to a
    404; a language the page is not translated into gets that language's home page.
    """
    return content_cache.cached(
        ("translation-urls", page.pk, request.get_host()),
        lambda: _translation_urls(page, request),
    )


def _translation_urls(page: Page, request: HttpRequest) -> dict[str, str]:
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
