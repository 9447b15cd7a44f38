"""Fixed wording printed on certificates, per certificate language.

A certificate is printed in its own language(s) whatever language the person who
issues or renders it is using, and a bilingual one in both at once, so these texts
are data chosen by the certificate's language rather than interface translations.
"""

from __future__ import annotations

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
        "expires": "Derīga līdz {date}",
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


def print_date(iso: str) -> str:
    """ISO ``2026-01-15`` as printed in Latvia and understood abroad: 15.01.2026."""
    year, month, day = iso[:10].split("-")
    return f"{day}.{month}.{year}"
