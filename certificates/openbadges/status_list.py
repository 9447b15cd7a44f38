"""The revocation list every credential points at: a W3C Bitstring Status List
(v1.0) credential whose bit *i* is set when the certificate with primary key *i*
is revoked or was replaced by a re-issue.

A replaced certificate's credential goes on stating what the re-issue corrected
(a name, the hours), and a verifier understands only the list's two standard
purposes: "suspension" is for a pause that ends, "revocation" for a credential
that is no longer to be relied on, which a replaced one is, for good. What
replaced it is told where a person reads it: the old certificate's verification
page and its credential's download (410 with the new number).

It is built on each request, so revoking flips the bit at once. Encoding is
quick (about 1 ms for 10,000 revoked in 131,072 bits), but finding the revoked
certificates scans the table (no index on the status alone: about 30 ms with
100,000 certificates on SQLite, bench/certificates.py --status-list). So the
revoked ids are cached, and the cache is cleared when a certificate's status
changes (certificates/signal_handlers.py). With a shared cache (Redis, as a site
with several processes has) every process sees a revocation at once; with the
per-process default, other processes see it within CACHE_SECONDS.
"""

from __future__ import annotations

import base64
import gzip
from typing import Any

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from certificates.models import Certificate
from certificates.openbadges.credential import (
    issuer_url,
    jwt_claims,
    sign,
    status_list_url,
    utc,
)

#: The spec's minimum length (16 KB), so one certificate's bit hides among many.
MIN_BITS = 131_072
CACHE_KEY = "certificates:openbadges:revoked"
CACHE_SECONDS = 60


def encode_bits(indexes: list[int], length: int) -> str:
    """Bits ``indexes`` set in a bitstring of ``length`` bits (index 0 is the
    most significant bit of the first byte), gzipped, base64url without padding,
    with the multibase prefix "u"."""
    bitstring = bytearray(length // 8)
    for index in indexes:
        bitstring[index // 8] |= 0x80 >> (index % 8)
    # mtime=0: the same list gives the same bytes.
    compressed = gzip.compress(bytes(bitstring), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def list_length(highest_index: int) -> int:
    """Whole blocks of MIN_BITS, enough for every certificate issued so far."""
    return (highest_index // MIN_BITS + 1) * MIN_BITS


#: The statuses whose revocation bit is set.
REVOKED_STATUSES = (Certificate.Status.REVOKED, Certificate.Status.SUPERSEDED)


def revoked_ids() -> list[int]:
    """The ids of the certificates whose bit is set (:data:`REVOKED_STATUSES`)."""
    revoked = cache.get(CACHE_KEY)
    if revoked is None:
        revoked = list(
            Certificate.objects.filter(status__in=REVOKED_STATUSES).values_list(
                "pk", flat=True
            )
        )
        cache.set(CACHE_KEY, revoked, CACHE_SECONDS)
    return revoked


def forget_revoked() -> None:
    """Clear the cached revoked ids: a certificate's status changed."""
    cache.delete(CACHE_KEY)


def revocation_list_credential() -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` of revoked and replaced
    certificates."""
    revoked = revoked_ids()
    highest = Certificate.objects.aggregate(highest=Max("pk"))["highest"] or 0
    url = status_list_url()
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_url(),
        "validFrom": utc(timezone.now()),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(revoked, list_length(highest)),
        },
    }


def status_list_jwt() -> str:
    """The revocation list, signed as a VC-JWT like the credentials."""
    credential = revocation_list_credential()
    return sign({**credential, **jwt_claims(credential)})
