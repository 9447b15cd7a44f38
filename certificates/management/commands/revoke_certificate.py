from django.core.management.base import BaseCommand, CommandError, CommandParser

from certificates.issuing import IssuingError, revoke
from certificates.models import Certificate

Category = Certificate.RevocationCategory


class Command(BaseCommand):
    help = (
        "Revoke a certificate by its number; the record is kept with the reason. "
        "The verification page shows the category and the public note, never the "
        "reason."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("serial", help="e.g. DU-2026-000123")
        parser.add_argument(
            "--reason", default="", help="why it is revoked (for staff only)"
        )
        parser.add_argument(
            "--category",
            choices=Category.values,
            default=Category.WITHDRAWN,
            help="the public reason: "
            + ", ".join(f"{c.value} ({c.label})" for c in Category)
            + f"; default {Category.WITHDRAWN.value}",
        )
        parser.add_argument(
            "--public-note",
            default="",
            help="a short note shown on the verification page (at most 300 characters)",
        )

    def handle(
        self,
        *args,
        serial: str,
        reason: str,
        category: str,
        public_note: str,
        **options,
    ) -> None:
        if not reason.strip():
            raise CommandError("Give a reason with --reason.")
        limit = Certificate._meta.get_field("revocation_public_note").max_length
        if len(public_note.strip()) > limit:
            raise CommandError(f"The public note is longer than {limit} characters.")
        certificate = Certificate.objects.filter(serial=serial.strip().upper()).first()
        if certificate is None:
            raise CommandError(f"No certificate numbered {serial}.")
        try:
            revoke(certificate, reason, category=category, public_note=public_note)
        except IssuingError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{certificate.serial} is revoked."))
