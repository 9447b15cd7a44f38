"""The front the privacy commands share (``erase_person``, ``export_person``): one
person found by e-mail address, and the request (``--reason``) the action answers,
which the privacy log keeps."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.people.accounts import the_person_with_email

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class PersonRequestCommand(BaseCommand):
    """A data-protection request about one person. Subclasses add their own
    options and act in :meth:`handle_person`, which is given the reason as
    logged and the command's options."""

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's e-mail address.")
        parser.add_argument(
            "--reason",
            required=True,
            help="The request this answers (kept in the log; no personal data).",
        )

    def clean_reason(self, reason: str) -> str:
        """The reason as logged; a subclass raises CommandError to refuse it."""
        return reason

    def handle(self, *args: Any, **options: Any) -> None:
        reason = self.clean_reason(options["reason"].strip())
        try:
            person = the_person_with_email(options["email"])
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        self.handle_person(person, reason, options)

    def handle_person(
        self, person: AbstractBaseUser, reason: str, options: dict[str, Any]
    ) -> None:
        raise NotImplementedError
