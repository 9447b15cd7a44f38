from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from courses.people.accounts import the_person_with_email
from courses.privacy.erasure import erase_person, erasure_plan, last_erasure
from courses.privacy.models import PrivacyLog


class Command(BaseCommand):
    help = (
        "Erase one person's personal data (found by e-mail address) for a "
        "data-protection request. Certificates stay verifiable without the name; "
        "the erasure is logged. It cannot be undone."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's e-mail address.")
        parser.add_argument(
            "--reason",
            required=True,
            help="The request this answers (kept in the log; no personal data).",
        )
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, **options) -> None:
        reason = options["reason"].strip()
        if not reason:
            raise CommandError(_("Give the request this erasure answers (--reason)."))
        try:
            person = the_person_with_email(options["email"])
        except LookupError as exc:
            raise CommandError(str(exc)) from None
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
