"""Lists a Latvian reader scans are in Latvian alphabetical order."""

from __future__ import annotations

from courses.collation import sorted_latvian
from courses.people.allauth import SignupForm


def test_latvian_letters_have_their_own_places():
    """č ģ ķ ļ ņ š ž follow their plain letter; ā ē ī ū sort with theirs and only
    break a tie (CLDR)."""
    names = ["Žanis", "Zaķis", "Šmits", "Smiltene", "Ķekava", "Kuldīga", "Krāslava"]
    names += ["Čaks", "Cēsis", "Ābele", "Abels", "Abele", "Ādaži", "Aizkraukle"]
    assert sorted_latvian(names) == [
        "Abele",
        "Ābele",
        "Abels",
        "Ādaži",
        "Aizkraukle",
        "Cēsis",
        "Čaks",
        "Krāslava",
        "Kuldīga",
        "Ķekava",
        "Smiltene",
        "Šmits",
        "Zaķis",
        "Žanis",
    ]


def test_foreign_letters_and_case_sort_as_icu_does():
    """q w x where Latin puts them, y as a kind of i; a plain letter before an
    accented one before a long one; lower case before upper (CLDR, ICU)."""
    names = ["Xena", "Wolf", "Vilks", "Yolanda", "Irbe", "Ivars", "Qerim", "Pauls"]
    names += ["Ōzols", "Öberg", "Oberg", "Ozols", "Abele", "abele", "ābele"]
    assert sorted_latvian(names) == [
        "abele",
        "Abele",
        "ābele",
        "Yolanda",
        "Irbe",
        "Ivars",
        "Oberg",
        "Öberg",
        "Ozols",
        "Ōzols",
        "Pauls",
        "Qerim",
        "Vilks",
        "Wolf",
        "Xena",
    ]


def test_the_sign_up_list_puts_kraslava_before_kekava():
    labels = [label for _code, label in SignupForm.base_fields["municipality"].choices]
    assert labels.index("Krāslavas novads") < labels.index("Kuldīgas novads")
    assert labels.index("Kuldīgas novads") < labels.index("Ķekavas novads")
    assert labels.index("Ādažu novads") < labels.index("Aizkraukles novads")
