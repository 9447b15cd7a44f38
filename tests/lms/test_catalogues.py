"""The Latvian catalogues as files: one translation per message across them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import polib

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
