"""The ``date_in_words`` filter: a date as a sentence embeds it (see courses.dates)."""

from __future__ import annotations

from django import template

from courses import dates

register = template.Library()

register.filter("date_in_words", dates.date_in_words)
