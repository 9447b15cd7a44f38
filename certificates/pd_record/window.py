"""The 3-year window of Cabinet Regulation No 569 (2018), point 15, as dates.

The rule, decided here only: on a day ``today``, hours count when they were
completed on or after :func:`window_start` (``today`` three years back) and not
after ``today``. Both ends are included, so hours completed on 3 December 2023
still count on 3 December 2026 and drop out on the 4th.

29 February: three years before 29 February 2028 is taken as 28 February 2025,
the last day of that February, not 1 March. That is how "three years before"
is read in a calendar (Python's ``dateutil`` reads it the same way), and it
counts one day more in the teacher's favour rather than one day less.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate

#: Hours a teacher must complete in every window (Regulation No 569, point 15).
REQUIRED_HOURS = Decimal(36)
WINDOW_YEARS = 3


def years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def window_start(today: date) -> date:
    """The first day whose hours still count on ``today``."""
    return years_before(today, WINDOW_YEARS)


def counts_on(completed_on: date, today: date) -> bool:
    """Whether hours completed on ``completed_on`` count on ``today``."""
    return window_start(today) <= completed_on <= today


def first_day_not_counted(completed_on: date) -> date:
    """The first day on which hours completed on ``completed_on`` no longer count."""
    # Three years are 1,096 or 1,097 days with that first day included, so
    # 1,095 days on is always a little short: step forward until the window
    # has moved past (the step is what gets 29 February right).
    day = completed_on + timedelta(days=WINDOW_YEARS * 365)
    while window_start(day) <= completed_on:
        day += timedelta(days=1)
    return day


def counted_hours(entries: Iterable[tuple[date, Decimal]], today: date) -> Decimal:
    """The hours of ``entries`` (completed on, hours) that count on ``today``."""
    return sum((hours for day, hours in entries if counts_on(day, today)), Decimal(0))


def shortfall_date(entries: Iterable[tuple[date, Decimal]], today: date) -> date:
    """The first day on which the counted hours are below :data:`REQUIRED_HOURS`
    if no new hours are added: ``today`` when they already are. ``entries`` are
    (completed on, hours) pairs."""
    counted = sorted((day, hours) for day, hours in entries if counts_on(day, today))
    total = sum((hours for _, hours in counted), Decimal(0))
    if total < REQUIRED_HOURS:
        return today
    # The oldest hours drop out first; hours of one day drop out together, on
    # the same day, so the first entry whose loss tips the total decides.
    dropped = accumulate(hours for _, hours in counted)
    return next(
        first_day_not_counted(day)
        for (day, _), gone in zip(counted, dropped, strict=True)
        if total - gone < REQUIRED_HOURS
    )
