"""Dates on the verification page written as the certificate writes them."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.translation import get_language

from certificates.printed import print_date

register = template.Library()


@register.filter
def date_in_words(value: date | datetime | None) -> str:
    """``value`` in words of the page's language, in the form a date takes in a
    sentence ("atsaukta 2026. gada 3. decembrī", "revoked on 3 December 2026");
    Django's ``DATE_FORMAT`` gives the Latvian nominative ("3. decembris")."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    language = "lv" if (get_language() or "").startswith("lv") else "en"
    return print_date(value, language)
