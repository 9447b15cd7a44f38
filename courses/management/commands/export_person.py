from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from courses.privacy.commands import PersonRequestCommand
from courses.privacy.export import export_filename, export_person
from courses.privacy.models import PrivacyLog


class Command(PersonRequestCommand):
    help = (
        "Write everything the site keeps about one person (found by e-mail "
        "address) to a ZIP file, for a data-protection request. The export is "
        "logged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--output",
            help="Where to write the ZIP file (default: personal-data-<id>-<date>.zip "
            "in the current folder).",
        )

    def handle_person(
        self, person: AbstractBaseUser, reason: str, options: dict[str, Any]
    ) -> None:
        output = Path(options["output"] or export_filename(person))
        try:
            with output.open("wb") as out:
                export_person(
                    person, out, channel=PrivacyLog.Channel.COMMAND, reason=reason
                )
        except OSError as exc:
            raise CommandError(
                _("Could not write %(file)s: %(error)s")
                % {"file": output, "error": exc}
            ) from exc
        self.stdout.write(
            _("Wrote the data of user %(id)s to %(file)s.")
            % {"id": person.pk, "file": output}
        )
