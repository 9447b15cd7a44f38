"""How much of the Wagtail admin a Latvian author sees in Latvian, and the
supplementary catalogue (``courses/locale_wagtail``) that fills what Wagtail's own
Latvian lacks.

The measure asks Django's translation machinery with Latvian active, so it counts
what the admin really shows: Wagtail's catalogues, the plugin's and the
supplementary one together. The messages are those of the English catalogues
Wagtail ships (every app, both the ``django`` and the ``djangojs`` domain).

A development tool: it reads ``.po`` files with polib (the ``dev`` extra).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import wagtail
from django.utils import translation
from django.utils.translation import trans_real

from courses import WAGTAIL_LOCALE_PATH

if TYPE_CHECKING:
    import polib

DOMAINS = ("django", "djangojs")
LANGUAGE = "lv"
#: Latvian's three plural forms, as in Wagtail's own Latvian catalogues.
PLURAL_FORMS = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n != 0 ? 1 : 2);"
# Python's %-formats (named or not), str.format fields, and HTML tags: a translation
# that loses or renames one breaks the admin (KeyError) or its markup.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%[sdif]|\{\w*\}|</?\w+[^>]*>")


@dataclass(frozen=True)
class Message:
    domain: str
    msgctxt: str | None
    msgid: str
    msgid_plural: str
    #: Where Wagtail declares it (e.g. ``admin``), for reading the list.
    app: str
    #: The source references and flags of Wagtail's English entry.
    occurrences: tuple[tuple[str, str], ...]
    flags: tuple[str, ...]

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.domain, self.msgctxt, self.msgid)


@dataclass(frozen=True)
class Coverage:
    messages: int
    shown_lv: int

    @property
    def share(self) -> float:
        return self.shown_lv / self.messages if self.messages else 1.0


def wagtail_messages() -> list[Message]:
    """Every message of Wagtail's English catalogues, once each (an app that
    repeats another's message shows the same translation)."""
    import polib

    root = Path(wagtail.__file__).resolve().parent
    found: dict[tuple[str, str | None, str], Message] = {}
    for path in sorted(root.rglob("locale/en/LC_MESSAGES/*.po")):
        domain = path.stem
        app = path.parents[3].relative_to(root).as_posix()
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgid:
                continue
            message = Message(
                domain=domain,
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                app=app if app != "." else "wagtail",
                occurrences=tuple(entry.occurrences),
                flags=tuple(entry.flags),
            )
            found.setdefault(message.key, message)
    return list(found.values())


def _catalogue(domain: str) -> trans_real.DjangoTranslation:
    """Latvian as the admin gets it: for ``django`` Django's translation (every
    installed app and ``LOCALE_PATHS``); for ``djangojs`` what Wagtail's
    JavaScript catalogue view merges (``wagtail.admin`` and ``LOCALE_PATHS``)."""
    if domain == "django":
        return trans_real.translation(LANGUAGE)
    from django.views.i18n import JavaScriptCatalog

    view = JavaScriptCatalog(packages=["wagtail.admin"], domain=domain)
    paths = view.get_paths(view.packages)
    return trans_real.DjangoTranslation(LANGUAGE, domain=domain, localedirs=paths)


def is_shown_in_latvian(
    message: Message, catalogue: trans_real.DjangoTranslation
) -> bool:
    """Whether Latvian has this message (a translation equal to the English, such
    as "URL", counts: it is in the catalogue)."""
    # Django has no public lookup telling a translation equal to the English from
    # a missing one, so the merged catalogue is asked directly.
    key = message.msgid
    if message.msgctxt is not None:
        key = f"{message.msgctxt}\x04{message.msgid}"
    if message.msgid_plural:
        return (key, 0) in catalogue._catalog
    return key in catalogue._catalog


def coverage() -> Coverage:
    messages = wagtail_messages()
    return Coverage(
        messages=len(messages), shown_lv=len(messages) - len(shown_in_english(messages))
    )


def built_for() -> str:
    """The Wagtail version the catalogue was rebuilt from (``X-Wagtail-Version``)."""
    import polib

    return polib.pofile(str(catalogue_path("django"))).metadata.get(
        "X-Wagtail-Version", ""
    )


def shown_in_english(messages: list[Message] | None = None) -> list[Message]:
    """Wagtail's messages (or ``messages``) the admin still shows in English."""
    messages = wagtail_messages() if messages is None else messages
    with translation.override(LANGUAGE):
        catalogues = {domain: _catalogue(domain) for domain in DOMAINS}
        return [m for m in messages if not is_shown_in_latvian(m, catalogues[m.domain])]


def wagtail_latvian() -> dict[tuple[str, str | None, str], str]:
    """The messages Wagtail's own Latvian catalogues translate, with the first
    (or only) form of their translation."""
    import polib

    root = Path(wagtail.__file__).resolve().parent
    translated: dict[tuple[str, str | None, str], str] = {}
    for path in sorted(root.rglob(f"locale/{LANGUAGE}/LC_MESSAGES/*.po")):
        for entry in polib.pofile(str(path)).translated_entries():
            text = entry.msgstr or entry.msgstr_plural.get(0, "")
            translated.setdefault((path.stem, entry.msgctxt, entry.msgid), text)
    return translated


def missing_messages() -> list[Message]:
    """Wagtail's messages its own Latvian catalogues leave in English."""
    wagtail_lv = wagtail_latvian()
    return [m for m in wagtail_messages() if m.key not in wagtail_lv]


def _plugin_latvian() -> dict[tuple[str | None, str], polib.POEntry]:
    import polib

    entries = {}
    for app in ("courses", "certificates"):
        path = (
            WAGTAIL_LOCALE_PATH.parents[1]
            / app
            / "locale"
            / LANGUAGE
            / "LC_MESSAGES"
            / "django.po"
        )
        for entry in polib.pofile(str(path)).translated_entries():
            entries.setdefault((entry.msgctxt, entry.msgid), entry)
    return entries


def catalogue_path(domain: str) -> Path:
    return WAGTAIL_LOCALE_PATH / LANGUAGE / "LC_MESSAGES" / f"{domain}.po"


def rebuild_catalogue(domain: str) -> tuple[int, int]:
    """Rewrite the supplementary catalogue of ``domain`` to hold exactly the
    messages Wagtail's Latvian lacks: translations already made are kept, new
    messages come in untranslated, and ones Wagtail has since translated leave.
    Returns (entries, untranslated)."""
    import polib

    path = catalogue_path(domain)
    old = polib.pofile(str(path)) if path.exists() else None
    kept = {(e.msgctxt, e.msgid): e for e in old or [] if not e.obsolete}
    ours = _plugin_latvian()
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Project-Id-Version": "wagtail-stem-lms (Wagtail admin, supplementary)",
        "Last-Translator": "wagtail-stem-lms <lv@wagtail-stem-lms.invalid>",
        "Language-Team": "Latvian",
        "PO-Revision-Date": old.metadata.get("PO-Revision-Date", "") if old else "",
        "Language": LANGUAGE,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS,
        # The Wagtail whose messages it holds: another version has other messages.
        "X-Wagtail-Version": wagtail.__version__,
    }
    for message in missing_messages():
        if message.domain != domain:
            continue
        entry = polib.POEntry(
            msgctxt=message.msgctxt,
            msgid=message.msgid,
            msgid_plural=message.msgid_plural,
            occurrences=[
                (f"wagtail/{message.app}/{file}", line)
                for file, line in message.occurrences
            ],
            flags=[f for f in message.flags if f != "fuzzy"],
        )
        previous = kept.get((message.msgctxt, message.msgid))
        if previous is None and (message.msgctxt, message.msgid) in ours:
            # The plugin already says this in Latvian: the admin says it the same way.
            previous = ours[(message.msgctxt, message.msgid)]
        if message.msgid_plural:
            forms = previous.msgstr_plural if previous else {}
            entry.msgstr_plural = {i: forms.get(i, "") for i in range(3)}
        else:
            entry.msgstr = previous.msgstr if previous else ""
        po.append(entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.save(str(path))
    return len(po), len(po.untranslated_entries())


def _placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def keeps_placeholders(entry: polib.POEntry) -> bool:
    """Whether a translation has exactly the placeholders and tags of its English.
    A plural form may use any placeholder of either English form (Latvian's first
    form also serves 21, 31…, so it may name the number) and keeps all of its own:
    the first form those of the singular, the others those of the plural.

    A template's ``{% blocktrans count counter=… %}`` hands every form the number
    as ``%(counter)s`` though neither English form need name it ("Delete this
    image?"), so a template's message may use it too."""
    if not entry.msgid_plural:
        return _placeholders(entry.msgstr) == _placeholders(entry.msgid)
    singular = set(_placeholders(entry.msgid))
    plural = set(_placeholders(entry.msgid_plural))
    allowed = singular | plural
    if entry.occurrences and all(
        path.endswith(".html") for path, _line in entry.occurrences
    ):
        allowed |= set(PLACEHOLDER.findall("%(counter)s"))
    for index, form in entry.msgstr_plural.items():
        used = set(_placeholders(form))
        needed = singular if int(index) == 0 else plural
        if not used <= allowed or not needed <= used:
            return False
    return True


def merge_translations(
    source: Path, catalogues: list[Path] | None = None
) -> tuple[int, list[str]]:
    """Fill the supplementary catalogues' untranslated entries from another ``.po``
    file (translations made elsewhere). Only messages the catalogues hold are taken,
    so Wagtail's own Latvian keeps precedence; a translation already made stays.
    Returns how many were filled and the msgids refused for their placeholders."""
    import polib

    offered = {
        (e.msgctxt, e.msgid): e
        for e in polib.pofile(str(source)).translated_entries()
        if "fuzzy" not in e.flags
    }
    filled, refused = 0, []
    for path in catalogues or [catalogue_path(domain) for domain in DOMAINS]:
        catalogue = polib.pofile(str(path), wrapwidth=79)
        for entry in catalogue.untranslated_entries():
            other = offered.get((entry.msgctxt, entry.msgid))
            if other is None or other.msgid_plural != entry.msgid_plural:
                continue
            if entry.msgid_plural:
                forms = {int(i): text for i, text in other.msgstr_plural.items()}
                if sorted(forms) != [0, 1, 2] or not all(forms.values()):
                    refused.append(entry.msgid)
                    continue
                entry.msgstr_plural = forms
            else:
                entry.msgstr = other.msgstr
            if keeps_placeholders(entry):
                filled += 1
            else:
                entry.msgstr, entry.msgstr_plural = (
                    "",
                    (dict.fromkeys(range(3), "") if entry.msgid_plural else {}),
                )
                refused.append(entry.msgid)
        catalogue.save(str(path))
    return filled, refused
