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
