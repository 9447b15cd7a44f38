"""The Latvian Wagtail admin: its coverage, the messages it lacks, the catalogue.

    manage.py wagtail_lv coverage   share of Wagtail's messages shown in Latvian
    manage.py wagtail_lv missing    the messages still shown in English
    manage.py wagtail_lv rebuild    rewrite courses/locale_wagtail/lv from the
                                    installed Wagtail, keeping the translations made
    manage.py wagtail_lv merge F    fill untranslated entries from another .po file

After ``rebuild`` or ``merge``, translate what is left and run compilemessages.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import wagtail
from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses import wagtail_locale


class Command(BaseCommand):
    help = "The Latvian Wagtail admin: coverage, missing messages, the catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", choices=["coverage", "missing", "rebuild", "merge"]
        )
        parser.add_argument(
            "source", nargs="?", type=Path, help="the .po file to merge"
        )

    def handle(
        self, *args: Any, action: str, source: Path | None, **options: Any
    ) -> None:
        if importlib.util.find_spec("polib") is None:
            raise CommandError(
                "This command reads .po files with polib: pip install polib"
            )
        if action == "coverage":
            result = wagtail_locale.coverage()
            self.stdout.write(
                f"lv_coverage={result.share:.3f} messages={result.messages} "
                f"shown_lv={result.shown_lv} wagtail={wagtail.__version__} "
                f"catalogue_wagtail={wagtail_locale.built_for()}"
            )
        elif action == "missing":
            for message in wagtail_locale.shown_in_english():
                context = f"[{message.msgctxt}] " if message.msgctxt else ""
                self.stdout.write(
                    f"{message.domain}\t{message.app}\t{context}{message.msgid}"
                )
        elif action == "rebuild":
            for domain in wagtail_locale.DOMAINS:
                entries, untranslated = wagtail_locale.rebuild_catalogue(domain)
                self.stdout.write(
                    f"{wagtail_locale.catalogue_path(domain)}: {entries} messages, "
                    f"{untranslated} untranslated"
                )
        else:
            if source is None or not source.is_file():
                raise CommandError("merge needs the path of a .po file")
            filled, refused = wagtail_locale.merge_translations(source)
            for msgid in refused:
                self.stderr.write(
                    f"refused (placeholders or plural forms differ): {msgid}"
                )
            self.stdout.write(f"merged={filled} refused={len(refused)}")
