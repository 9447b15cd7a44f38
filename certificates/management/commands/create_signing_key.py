from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from certificates.signing.files import create, existing_pair


class Command(BaseCommand):
    help = (
        "Create the issuer's signing key and a self-signed certificate for it in a "
        "directory (for development, or where no certificate authority is used). "
        "Does nothing when the directory already holds a pair."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            default=getattr(settings, "SIGNING_DIR", ".signing"),
            help="where to write issuer-key.pem and issuer-certificate.pem",
        )
        parser.add_argument("--name", default="", help="the issuer's name")
        parser.add_argument("--organisation", default="")

    def handle(self, *args, dir: str, name: str, organisation: str, **options) -> None:
        directory = Path(dir)
        if existing_pair(directory):
            self.stdout.write(f"{directory} already holds a signing key.")
            return
        kid = create(
            directory,
            str(name or getattr(settings, "WAGTAIL_SITE_NAME", "Issuer")),
            organisation,
        )
        self.stdout.write(
            self.style.SUCCESS(f"Signing key {kid} written to {directory}.")
        )
