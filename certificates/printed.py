"""Fixed wording printed on certificates, per certificate language.

A certificate is printed in its own language(s) whatever language the person who
issues or renders it is using, and a bilingual one in both at once, so these texts
are data chosen by the certificate's language rather than interface translations.
What is said about a certificate elsewhere (its e-mail, its Open Badge) is
interface text, and takes the same agreement from the catalogues
(:func:`hours_in_words`).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import get_language, ngettext

from courses.dates import print_date

LABELS: dict[str, dict[str, str]] = {
    "lv": {
        "programme_type": "Programmas veids: {type}",
        "hours": "Apjoms: {hours}",
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
        "hours": "Volume: {hours}",
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


def number_text(value: str, language: str) -> str:
    """A number as the certificate stores it ("12.5") written in ``language``:
    Latvian takes the decimal comma ("12,5")."""
    return value.replace(".", ",") if language == "lv" else value


def hours_phrase(value: str, language: str, case: str = "nominative") -> str:
    """``value`` academic hours, the noun agreeing with the number: "1
    akadēmiskā stunda", "21 akadēmiskā stunda", "12 akadēmiskās stundas",
    "12,5 akadēmiskās stundas"; "1 academic hour", "21 academic hours".

    ``case="genitive"`` is the Latvian form after the number in "… apjomā" ("21
    akadēmiskās stundas apjomā", "12 akadēmisko stundu apjomā")."""
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    written = number_text(value, language)
    if language != "lv":
        return f"{written} academic {'hour' if number == 1 else 'hours'}"
    if number != number.to_integral_value():
        # A fraction takes the genitive singular, which reads as the plural
        # nominative: "12,5 akadēmiskās stundas (apjomā)".
        return f"{written} akadēmiskās stundas"
    whole = int(number)
    singular = whole % 10 == 1 and whole % 100 != 11
    if case == "genitive" or whole == 0:
        noun = "akadēmiskās stundas" if singular else "akadēmisko stundu"
    else:
        noun = "akadēmiskā stunda" if singular else "akadēmiskās stundas"
    return f"{written} {noun}"


#: The count that picks the plural form for a fraction of an hour: Latvian puts
#: the noun after a fraction in the genitive singular, which is written as the
#: plural ("12,5 akadēmiskās stundas"), and English in the plural.
FRACTION_COUNT = 2


def hours_in_words(value: str) -> str:
    """``value`` academic hours (as a snapshot stores them: "12", "12.5") in the
    active language, the noun agreeing with the number through the catalogues'
    plural forms: "1 akadēmiskā stunda", "21 akadēmiskā stunda", "36
    akadēmiskās stundas", "12,5 akadēmiskās stundas"; "1 academic hour"."""
    number = Decimal(value)
    whole = number == number.to_integral_value()
    return ngettext(
        "%(hours)s academic hour",
        "%(hours)s academic hours",
        int(number) if whole else FRACTION_COUNT,
    ) % {"hours": number_text(value, (get_language() or "")[:2])}


def period_text(start: str, end: str) -> str:
    """The period between two ISO dates as printed: "12.01.2026–07.12.2026", or
    one date for a one-day course."""
    if start[:10] == end[:10]:
        return print_date(start)
    return f"{print_date(start)}–{print_date(end)}"
