"""The dates a filter accepts (courses.dates)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courses.dates import accepted_dates, validate_date_in_range


@pytest.mark.parametrize(
    ("today", "latest"),
    [
        (date(2026, 12, 7), date(2036, 12, 7)),
        # Ten years after 29 February is a year without one.
        (date(2028, 2, 29), date(2038, 2, 28)),
    ],
)
def test_filters_accept_dates_from_2000_to_ten_years_ahead(monkeypatch, today, latest):
    """The range runs from 1 January 2000 to the same day ten years on."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: today)
    assert accepted_dates() == (date(2000, 1, 1), latest)


@pytest.mark.parametrize(
    "day", [date(1, 1, 1), date(1999, 12, 31), date(2036, 12, 8), date(9999, 12, 31)]
)
def test_a_date_outside_the_range_is_refused_with_the_range(monkeypatch, day):
    """One day outside either end is refused, and the message names both ends."""
    monkeypatch.setattr(timezone, "localdate", lambda *args: date(2026, 12, 7))
    validate_date_in_range(date(2000, 1, 1))
    validate_date_in_range(date(2036, 12, 7))
    with pytest.raises(ValidationError) as refused:
        validate_date_in_range(day)
    assert refused.value.messages == ["Enter a date from 2000-01-01 to 2036-12-07."]


def test_english_dates_are_european_everywhere():
    """English pages write "7 December 2026" and 24-hour time, never
    "Dec. 7, 2026" or "9:01 a.m."."""
    from datetime import datetime

    from django.utils import translation
    from django.utils.formats import date_format

    moment = datetime(2026, 12, 7, 21, 1)
    with translation.override("en"):
        assert date_format(moment.date()) == "7 December 2026"
        assert date_format(moment, "DATETIME_FORMAT") == "7 December 2026, 21:01"
        assert date_format(moment, "SHORT_DATE_FORMAT") == "07/12/2026"
        assert date_format(moment, "TIME_FORMAT") == "21:01"
