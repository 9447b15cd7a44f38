from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from courses.people.accounts import the_person_with_email
from courses.privacy.export import export_filename, export_person
from courses.privacy.models import PrivacyLog


class Command(BaseCommand):
    help = (
        "Write everything the site keeps about one person (found by e-mail "
        "address) to a ZIP file, for a data-protection request. The export is "
        "logged."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's e-mail address.")
        parser.add_argument(
            "--reason",
            required=True,
            help="The request this answers (kept in the log; no personal data).",
        )
        parser.add_argument(
            "--output",
            help="Where to write the ZIP file (default: personal-data-<id>-<date>.zip "
            "in the current folder).",
        )

    def handle(self, *args, **options) -> None:
        try:
            person = the_person_with_email(options["email"])
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        output = Path(options["output"] or export_filename(person))
        try:
            with output.open("wb") as out:
                export_person(
                    person,
                    out,
                    channel=PrivacyLog.Channel.COMMAND,
                    reason=options["reason"].strip(),
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
