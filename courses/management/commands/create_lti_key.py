from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

FILENAME = "lti-tool-key.pem"


class Command(BaseCommand):
    help = (
        "Create the LTI tool's RSA key (it signs the tool's service requests and "
        "deep-linking answers; docs/lti.md) as lti-tool-key.pem in a directory, "
        "where the settings read it. Does nothing when the file exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dir",
            default=getattr(settings, "SIGNING_DIR", ".signing"),
            help=f"where to write {FILENAME}",
        )

    def handle(self, *args, dir: str, **options) -> None:
        path = Path(dir) / FILENAME
        if path.exists():
            self.stdout.write(f"{path} already holds the LTI tool key.")
            return
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.stdout.write(self.style.SUCCESS(f"LTI tool key written to {path}."))
