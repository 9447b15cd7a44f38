"""Webhook addresses staff may register, and sending one delivery.

An address is refused when it is not HTTPS, names this site itself, or resolves to
an address that is not globally reachable: private, loopback, link-local, any range
of IANA's special-purpose registries, or an IPv6 address that carries such an IPv4
address inside it (IPv4-mapped, 6to4, Teredo, NAT64): a webhook must not become a
way to make the server call into its own network. The address is resolved again
before each delivery, since a name may resolve elsewhere later (DNS rebinding).
Left open: a name re-resolved between that check and httpx's connection, and a
network's own NAT64 prefix, which no address shows (only the well-known one does).
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

#: The ranges of IANA's special-purpose registries (IPv4 and IPv6) that are not
#: globally reachable. ``is_global`` knows most of them, but not in every Python
#: the plugin runs on: 3.11 before 3.11.10 takes 192.0.0.0/24 for global, and
#: none before 3.13 knows 3fff::/20 or 5f00::/16. Multicast is refused apart.
NOT_GLOBAL = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.0.0.0/24",  # with its two anycast services, no receiver's
        "192.0.2.0/24",
        "192.88.99.0/24",
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "240.0.0.0/4",
        "255.255.255.255/32",
        "::/128",
        "::1/128",
        "::ffff:0:0/96",
        "64:ff9b:1::/48",
        "100::/64",
        "2001::/23",  # Teredo and others; its global bits are anycast too
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",
        "fe80::/10",
    )
)
#: IPv6 ranges whose last 32 bits are the IPv4 address a packet ends up at: the
#: well-known NAT64 prefix (RFC 6052) and the old IPv4-compatible form (RFC 4291).
IPV4_IN_LAST_32_BITS = (
    ipaddress.IPv6Network("64:ff9b::/96"),
    ipaddress.IPv6Network("::/96"),
)


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
        if not is_public_address(ip):
            raise ValidationError(
                _(
                    "The address %(host)s is inside a private network (%(ip)s); "
                    "deliveries go only to public addresses."
                )
                % {"host": host, "ip": ip}
            )


def is_public_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a delivery may go to ``ip``: globally reachable, not multicast, in
    no range of :data:`NOT_GLOBAL`, and so is every IPv4 address it carries."""
    if ip.is_multicast or not ip.is_global:
        return False
    if any(ip in network for network in NOT_GLOBAL):
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        return all(is_public_address(inner) for inner in embedded_ipv4(ip))
    return True


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries, which a gateway or the system
    itself would connect to: IPv4-mapped, 6to4, both of Teredo's, NAT64 and
    IPv4-compatible."""
    found = [address for address in (ip.ipv4_mapped, ip.sixtofour) if address]
    if ip.teredo:
        found += ip.teredo
    if any(ip in network for network in IPV4_IN_LAST_32_BITS):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


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
