from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from certificates.signing.files import rotate


class Command(BaseCommand):
    help = (
        "Replace the issuer's signing key by a new one. The old public key stays "
        "published under its kid, so certificates it signed stay verifiable; "
        "restart the web and worker processes afterwards."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            default=getattr(settings, "SIGNING_DIR", ".signing"),
            help="the directory holding issuer-key.pem and issuer-certificate.pem",
        )
        parser.add_argument("--name", default="", help="the issuer's name")
        parser.add_argument("--organisation", default="")

    def handle(self, *args, dir: str, name: str, organisation: str, **options) -> None:
        try:
            old_kid, new_kid = rotate(
                Path(dir),
                str(name or getattr(settings, "WAGTAIL_SITE_NAME", "Issuer")),
                organisation,
            )
        except FileNotFoundError:
            raise CommandError(
                f"{dir} holds no signing key; create one with create_signing_key."
            ) from None
        except ValueError as error:
            raise CommandError(f"The key in {dir} cannot be read: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"New signing key {new_kid}; {old_kid} stays published. Restart the "
                "web and worker processes to sign with the new key."
            )
        )
