"""Fixed wording printed on certificates, per certificate language.

A certificate is printed in its own language(s) whatever language the person who
issues or renders it is using, and a bilingual one in both at once, so these texts
are data chosen by the certificate's language rather than interface translations.
"""

from __future__ import annotations

from datetime import date

LABELS: dict[str, dict[str, str]] = {
    "lv": {
        "programme_type": "Programmas veids: {type}",
        "hours": "Apjoms: {hours} akadēmiskās stundas",
        "period": "Laikposms: {period}",
        "provider": "Izglītības programmas īstenotājs: {provider}",
        "registration": "reģ. Nr. {number}",
        "approval": "Programma saskaņota: {body}, Nr. {number}, {date}",
        "competences": "Pilnveidotās kompetences",
        "serial": "Apliecības Nr. {serial}",
        "issued": "Izsniegta {date}",
        # "līdz" would want the dative ("decembrim"); this wording takes the
        # locative that every other date on the page uses.
        "expires": "Derīguma termiņš beidzas {date}",
        "verify": "Pārbaudīt apliecību",
    },
    "en": {
        "programme_type": "Programme type: {type}",
        "hours": "Volume: {hours} academic hours",
        "period": "Period: {period}",
        "provider": "Provider: {provider}",
        "registration": "reg. No {number}",
        "approval": "Programme approved by {body}, No {number}, {date}",
        "competences": "Competences developed",
        "serial": "Certificate No {serial}",
        "issued": "Issued {date}",
        "expires": "Valid until {date}",
        "verify": "Verify this certificate",
    },
}


def languages_of(language: str) -> list[str]:
    """``"lv+en"`` → ``["lv", "en"]``."""
    return language.split("+")


def texts_in_order(snapshot: dict) -> dict[str, dict]:
    """A snapshot's texts in the order the certificate prints its languages.
    (PostgreSQL's jsonb keeps no key order, so the dict's own order is not it.)"""
    texts = snapshot["texts"]
    return {lang: texts[lang] for lang in languages_of(snapshot["language"])}


# Latvian dates name the month in the locative: "2026. gada 21. novembrī".
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

    The Latvian form is the locative, which a date takes after a verb ("izsniegta",
    "atsaukta", "beidzas"): the one way certificates and their verification page
    write a date in a sentence.
    """
    if isinstance(iso, date):
        iso = iso.isoformat()
    year, month, day = iso[:10].split("-")
    if language == "lv":
        return f"{year}. gada {int(day)}. {LV_MONTHS[int(month) - 1]}"
    if language == "en":
        return f"{int(day)} {EN_MONTHS[int(month) - 1]} {year}"
    return f"{day}.{month}.{year}"
