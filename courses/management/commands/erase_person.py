from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from courses.privacy.commands import PersonRequestCommand
from courses.privacy.erasure import erase_person, erasure_plan, last_erasure
from courses.privacy.models import PrivacyLog


class Command(PersonRequestCommand):
    help = (
        "Erase one person's personal data (found by e-mail address) for a "
        "data-protection request. Certificates stay verifiable without the name; "
        "the erasure is logged. It cannot be undone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def clean_reason(self, reason: str) -> str:
        # What cannot be undone is never done without the request it answers.
        if not reason:
            raise CommandError(_("Give the request this erasure answers (--reason)."))
        return reason

    def handle_person(
        self, person: AbstractBaseUser, reason: str, options: dict[str, Any]
    ) -> None:
        # An erased account has no address left, so a second run finds nobody;
        # this covers an account erased while its address was kept elsewhere.
        erased = last_erasure(person)
        if erased is not None:
            self.stdout.write(
                _("User %(id)s was erased on %(date)s; nothing left to erase.")
                % {"id": person.pk, "date": f"{erased.at:%Y-%m-%d}"}
            )
            return
        for item in erasure_plan(person):
            self.stdout.write(
                f"{item.name}: {item.count} ({item.strategy}), "
                + _("%(files)s files") % {"files": item.files}
            )
        if options["interactive"]:
            answer = input(_("Erase this person's data? Type 'yes' to go on: "))
            if answer.strip().lower() != "yes":
                raise CommandError(_("Nothing was erased."))
        erase_person(person, channel=PrivacyLog.Channel.COMMAND, reason=reason)
        self.stdout.write(
            _("Erased the personal data of user %(id)s.") % {"id": person.pk}
        )
