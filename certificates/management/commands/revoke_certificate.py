from django.core.management.base import BaseCommand, CommandError, CommandParser

from certificates.issuing import IssuingError, revoke
from certificates.models import Certificate


class Command(BaseCommand):
    help = "Revoke a certificate by its number; the record is kept with the reason."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("serial", help="e.g. DU-2026-000123")
        parser.add_argument("--reason", default="", help="why it is revoked")

    def handle(self, *args, serial: str, reason: str, **options) -> None:
        if not reason.strip():
            raise CommandError("Give a reason with --reason.")
        certificate = Certificate.objects.filter(serial=serial.strip().upper()).first()
        if certificate is None:
            raise CommandError(f"No certificate numbered {serial}.")
        try:
            revoke(certificate, reason)
        except IssuingError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{certificate.serial} is revoked."))
