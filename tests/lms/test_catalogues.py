"""The Latvian catalogues as files: one translation per message across them,
plural forms that hold for every number, and each valid for ``msgfmt -c``."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = [
    ROOT / "lms/locale/lv/LC_MESSAGES/django.po",
    ROOT / "courses/locale/lv/LC_MESSAGES/django.po",
    ROOT / "certificates/locale/lv/LC_MESSAGES/django.po",
    ROOT / "courses/locale_wagtail/lv/LC_MESSAGES/django.po",
    ROOT / "courses/locale_wagtail/lv/LC_MESSAGES/djangojs.po",
]


def translations(path: Path) -> dict[tuple, object]:
    return {
        (e.msgctxt, e.msgid, e.msgid_plural): e.msgstr
        or tuple(sorted(e.msgstr_plural.items()))
        for e in polib.pofile(str(path))
        if not e.obsolete
    }


def clashes(paths: list[Path]) -> dict[tuple, dict[str, object]]:
    """Messages that two catalogues translate differently: gettext shows only
    the one it reads first, wherever the other was meant."""
    seen: dict[tuple, dict[str, object]] = defaultdict(dict)
    for path in paths:
        # The JavaScript catalogue is a domain of its own.
        domain = path.stem
        for key, text in translations(path).items():
            seen[(domain, *key)][str(path.relative_to(ROOT))] = text
    return {
        key: by_path for key, by_path in seen.items() if len(set(by_path.values())) > 1
    }


def test_no_message_is_translated_two_ways():
    """A word that means two things ("Withdrawn": a learner who left, or a
    certificate taken back) carries a context in each; otherwise one catalogue's
    translation silently replaces the other's."""
    assert clashes(CATALOGUES) == {}


def test_the_clash_check_finds_a_clash(tmp_path):
    """Two catalogues with one msgid in two translations are reported."""
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    first, second = tmp_path / "a/django.po", tmp_path / "b/django.po"
    for path, text in ((first, "Izstājies"), (second, "Anulēta")):
        path.parent.mkdir()
        path.write_text(header + f'msgid "Withdrawn"\nmsgstr "{text}"\n')
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        found = clashes([first, second])
    finally:
        ROOT = saved
    assert list(found) == [("django", None, "Withdrawn", "")]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="needs GNU gettext")
@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_msgfmt_check_passes(path, tmp_path):
    """``msgfmt -c`` (formats, header, plural forms) reports nothing."""
    result = subprocess.run(
        ["msgfmt", "-c", "-o", str(tmp_path / "out.mo"), str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


NUMBER = re.compile(r"%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdif]|\{[^}]*\}")


def singulars_without_a_number(path: Path) -> list[str]:
    """Plural messages whose Latvian form [0] has no number although the other
    forms differ: form [0] also serves 21, 31 and 101, for which "šo attēlu"
    (this image) is wrong."""
    return [
        e.msgid
        for e in polib.pofile(str(path))
        if e.msgid_plural
        and not NUMBER.search(e.msgstr_plural.get(0, ""))
        and e.msgstr_plural.get(0) != e.msgstr_plural.get(1)
    ]


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_first_plural_form_reads_right_for_21(path):
    assert singulars_without_a_number(path) == []


def test_the_first_plural_form_check_finds_a_singular(tmp_path):
    path = tmp_path / "django.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3; plural=0;\\n"\n\n'
        'msgid "Delete this image?"\nmsgid_plural "Delete these images?"\n'
        'msgstr[0] "Dzēst šo attēlu?"\nmsgstr[1] "Dzēst šos attēlus?"\n'
        'msgstr[2] "Dzēst šos attēlus?"\n'
    )
    assert singulars_without_a_number(path) == ["Delete this image?"]


#: Words docs/glossary-lv.md rules out, each with the reason, and the English
#: that makes the Latvian wrong when it is given (None: wrong everywhere).
FORBIDDEN = [
    (r"\bdatn|\bdatņ", None, "file is „fails” (Wagtail's word)"),
    (r"aizstājvārd|\baizstājlap", None, "alias is „aizstājējlapa” (Wagtail's word)"),
    (r"[Ss]ertifikāt", r"^(?!.*(X\.509|PEM))", "certificate is „apliecība”"),
    (
        r"[Pp]ieteik",
        r"(?i)^(?!.*enrol).*((sign|log)[- ]?(ged )?(in|on)\b|login)",
        "sign in is „pierakstīties”; „pieteikties” is enrol",
    ),
    (r"pakalpojumu sniedzēj", None, "provider is „īstenotājs”"),
    (
        r"\b(ne)?esat( \w+)? \w+(ījis|ējis|ājis|ojis|sis|dis|cis|zis|ris|lis|nis|ies"
        r"|ts|ds)\b",
        None,
        "masculine-only participle for the reader",
    ),
    (r"pārliecināts|viņa pieprasījum", None, "masculine-only for an unknown person"),
    (r"\b[Kk]āds (ir )?\w+(ījis|ējis|ājis|ojis)\b", None, "masculine-only for someone"),
    # A count of learners ("uzņemts 21 dalībnieks") is the generic noun's.
    (
        r"\b[Uu]zņemts\b(?! %\(counter\)s)",
        None,
        "a person enrolled is „uzņemšana kursā” or „dalība kursā”, not masculine",
    ),
    (
        r"\b(izstājies|pieteicies|pierakstījies|reģistrējies|atteicies|piedalījies)\b",
        None,
        "masculine-only for a person who withdrew, enrolled, signed in or took part",
    ),
]


def forbidden_variants(path: Path) -> list[tuple[str, str]]:
    """Each message breaking the glossary, with the first rule it breaks."""
    found = []
    for entry in polib.pofile(str(path)):
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        for pattern, english, reason in FORBIDDEN:
            if english and not re.search(english, entry.msgid):
                continue
            if any(re.search(pattern, text) for text in texts):
                found.append((entry.msgid, reason))
                break
    return found


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_glossary_holds_in_every_catalogue(path):
    """One word for each thing (docs/glossary-lv.md), and no masculine-only
    forms for a reader or a person whose gender is unknown."""
    assert forbidden_variants(path) == []


def test_the_glossary_check_finds_each_variant(tmp_path):
    path = tmp_path / "django.po"
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    entries = {
        "Log in": "Pieteikties",
        "Enrol": "Pieteikties kursam",
        "Check the file": "Pārbaudīt datni",
        "Certificate revoked": "Sertifikāts atsaukts",
        "X.509 certificate (PEM)": "X.509 sertifikāts (PEM)",
        "If you have forgotten it": "Ja esat aizmirsis",
        "You haven't uploaded any images.": "Jūs vēl neesat augšupielādējis nevienu attēlu.",
        "You are signed in.": "Jūs esat pierakstījies.",
        "Someone asked": "Kāds ir pieprasījis",
        "Enrolled": "Uzņemts kursā",
        "%(counter)s enrolled": "Kursā uzņemts %(counter)s dalībnieks",
        "The learner has withdrawn.": "Dalībnieks ir izstājies.",
    }
    path.write_text(
        header + "\n".join(f'msgid "{k}"\nmsgstr "{v}"\n' for k, v in entries.items())
    )
    assert [msgid for msgid, _reason in forbidden_variants(path)] == [
        "Log in",
        "Check the file",
        "Certificate revoked",
        "If you have forgotten it",
        "You haven't uploaded any images.",
        "You are signed in.",
        "Someone asked",
        "Enrolled",
        "The learner has withdrawn.",
    ]
