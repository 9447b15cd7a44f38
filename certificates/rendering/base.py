"""The contract every certificate renderer meets."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from certificates.models import Certificate


class BaseRenderer:
    """Turns a certificate's snapshot into a document.

    A renderer reads ``certificate.snapshot`` and nothing else, so rendering an
    issued certificate again gives the same text whatever changed since.
    """

    #: The name the ``LMS_CERTIFICATE_RENDERER`` setting uses.
    identifier: str = ""
    content_type = "application/pdf"
    extension = "pdf"

    def render(self, certificate: Certificate) -> bytes:
        raise NotImplementedError

    def filename(self, certificate: Certificate) -> str:
        """The name offered when the document is downloaded."""
        return f"{certificate.snapshot['serial']}.{self.extension}"
