"""Webhook addresses staff may register, and sending one delivery.

An address is refused when it is not HTTPS, names this site itself, or resolves to
a private, loopback, link-local or reserved address: a webhook must not become a
way to make the server call into its own network. The address is resolved again
before each delivery, since a name may resolve elsewhere later (DNS rebinding).
A name re-resolved between that check and httpx's connection is the risk left.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.models import Site

from courses.conf import lms_setting
from courses.integrations.models import WebhookDelivery
from courses.integrations.signing import SIGNATURE_HEADER, signature
from courses.site import base_url


def _allow_http() -> bool:
    return settings.DEBUG or lms_setting("LMS_WEBHOOKS_ALLOW_HTTP")


def _allow_private() -> bool:
    return settings.DEBUG or lms_setting("LMS_WEBHOOKS_ALLOW_PRIVATE")


def check_webhook_url(url: str) -> None:
    """Refuse an address no delivery may go to, with a message for staff
    (``ValidationError``); resolves the host name."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError(_("Enter a full address starting with https://."))
    if scheme == "http" and not _allow_http():
        raise ValidationError(
            _(
                "The address must start with https://: deliveries are not sent unencrypted."
            )
        )
    host = parts.hostname.lower().rstrip(".")
    if host in _own_hosts():
        raise ValidationError(
            _("The address points at this site itself; enter the receiving system's.")
        )
    check_public_host(host)


def _own_hosts() -> set[str]:
    hosts = {
        (urlsplit(base_url()).hostname or "").lower(),
        *(
            hostname.lower()
            for hostname in Site.objects.values_list("hostname", flat=True)
        ),
    }
    return {host for host in hosts if host}


def check_public_host(host: str) -> None:
    """Refuse a host that is, or resolves to, an address inside a private network
    (unless a site allows that for a local receiver)."""
    try:
        addresses = {
            info[4][0]
            for info in socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        }
    except (OSError, UnicodeError):
        raise ValidationError(
            _("The host name %(host)s could not be found.") % {"host": host}
        ) from None
    if _allow_private():
        return
    for address in addresses:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        if not ip.is_global or ip.is_multicast:
            raise ValidationError(
                _(
                    "The address %(host)s is inside a private network (%(ip)s); "
                    "deliveries go only to public addresses."
                )
                % {"host": host, "ip": ip}
            )


@dataclass(frozen=True)
class Outcome:
    """How one attempt went."""

    delivered: bool
    status_code: int | None = None
    error: str = ""


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The JSON a receiver gets: the delivery's id, the event, when it happened and
    its data."""
    return json.dumps(
        {
            "id": str(delivery.uuid),
            "event": delivery.event,
            "occurred_at": delivery.payload["occurred_at"],
            "data": delivery.payload["data"],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def send(client: httpx.Client, delivery: WebhookDelivery) -> Outcome:
    """POST one delivery, signed; any 2xx answer is delivered. Never raises: a
    refused address, a timeout or a closed connection is an outcome to retry."""
    endpoint = delivery.endpoint
    try:
        parts = urlsplit(endpoint.url)
        if parts.scheme != "https" and not _allow_http():
            raise ValidationError(_("The address must start with https://."))
        check_public_host(parts.hostname or "")
    except ValidationError as refused:
        return Outcome(False, error=" ".join(refused.messages))
    body = delivery_body(delivery)
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(endpoint.secret, body, int(time.time())),
        "X-LMS-Event": delivery.event,
        "X-LMS-Delivery": str(delivery.uuid),
    }
    try:
        response = client.post(endpoint.url, content=body, headers=headers)
    except httpx.HTTPError as error:
        # The type says what went wrong (timeout, refused, closed); the message
        # may quote the address, never the secret or the body.
        return Outcome(False, error=f"{type(error).__name__}: {error}"[:500])
    return Outcome(response.is_success, response.status_code)
