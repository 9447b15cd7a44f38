"""Dates written in words inside a sentence, the one way every app writes them.

Django's Latvian ``DATE_FORMAT`` names the month in the nominative ("2026. gada
3. decembris"), which is right for a date standing alone (a table cell, a label)
but wrong after a verb ("tika atsaukta", "izsniegta", "beidzas"), where Latvian
takes the locative ("2026. gada 3. decembrī"). Sentences that embed a date use
:func:`date_in_words`; templates use the ``date_in_words`` filter of
``lms_dates``.

It is also the one place that says which dates a filter accepts
(:func:`validate_date_in_range`).
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

#: The earliest date a filter accepts: nothing on the site happened before it.
#: A bound is needed at all because midnight of 0001-01-01 in Riga falls before
#: the first moment Python can hold in UTC, and the query fails.
EARLIEST_DATE = date(2000, 1, 1)
#: How many years past today a filter may reach (a cohort planned ahead).
YEARS_AHEAD = 10

LV_MONTHS = (
    "janvārī",
    "februārī",
    "martā",
    "aprīlī",
    "maijā",
    "jūnijā",
    "jūlijā",
    "augustā",
    "septembrī",
    "oktobrī",
    "novembrī",
    "decembrī",
)
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def print_date(iso: str | date, language: str = "") -> str:
    """A date (or ISO ``2026-11-21``) in words of ``language`` ("2026. gada 21.
    novembrī", "21 November 2026"), or without one as printed in Latvia and
    understood abroad: 21.11.2026.

    The Latvian form is the locative, which a date takes after a verb.
    """
    if isinstance(iso, date):
        iso = iso.isoformat()
    year, month, day = iso[:10].split("-")
    if language == "lv":
        return f"{year}. gada {int(day)}. {LV_MONTHS[int(month) - 1]}"
    if language == "en":
        return f"{int(day)} {EN_MONTHS[int(month) - 1]} {year}"
    return f"{day}.{month}.{year}"


def date_in_words(value: date | datetime | None) -> str:
    """``value`` in words of the active language, in the form a date takes in a
    sentence ("atsaukta 2026. gada 3. decembrī", "revoked on 3 December 2026");
    a moment is read as the local date."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    language = "lv" if (get_language() or "").startswith("lv") else "en"
    return print_date(value, language)


def moment_in_words(value: datetime) -> str:
    """A local date and time as a sentence embeds it: "2026. gada 3. decembrī
    plkst. 10:00", "3 December 2026, 10:00"."""
    local = timezone.localtime(value)
    time = f"{local:%H:%M}"
    if (get_language() or "").startswith("lv"):
        return f"{date_in_words(local)} plkst. {time}"
    return f"{date_in_words(local)}, {time}"


#: What a date filter reads: ISO, as Wagtail's date picker writes it, and the
#: Latvian form (07.12.2026) typed by hand, whatever the admin's language.
FILTER_DATE_INPUT_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


def accepted_dates() -> tuple[date, date]:
    """The first and last date a date filter accepts: from
    :data:`EARLIEST_DATE` to :data:`YEARS_AHEAD` years after today."""
    today = timezone.localdate()
    try:
        latest = today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:  # 29 February, and the later year has none
        latest = today.replace(year=today.year + YEARS_AHEAD, day=28)
    return EARLIEST_DATE, latest


def validate_date_in_range(value: date) -> None:
    """Refuse a date outside :func:`accepted_dates` with a message that names the
    range (a Django validator; the API turns it into its own error)."""
    earliest, latest = accepted_dates()
    if not earliest <= value <= latest:
        raise ValidationError(
            _("Enter a date from %(earliest)s to %(latest)s."),
            code="date_out_of_range",
            params={
                "earliest": earliest.isoformat(),
                "latest": latest.isoformat(),
            },
        )
