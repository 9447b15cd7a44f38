"""The client's address, the one every limit counts: wrong passwords (django-axes,
``AXES_CLIENT_IP_CALLABLE``), guesses at check-in codes and enrolment keys and
certificate look-ups (django-ratelimit, ``RATELIMIT_IP_META_KEY``) and allauth's
limits on sign-ups and password resets (the account adapter).

Behind ``LMS_PROXY_COUNT`` proxies, each appends the address it was reached from
to X-Forwarded-For, so the client is the entry that many places from the right;
whatever lies to its left came from the client and may be forged, so it is never
read. A request without the header, or from a peer that is not one of
``LMS_TRUSTED_PROXIES`` (someone reaching the web server past the proxy), is
counted by the address it came from. With no proxy the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest
from python_ipware.modern.parsers import IpAddressType, parse_ip

from courses.conf import lms_setting

#: An IPv6 client is given a whole /64 and may use any address in it, so a /64
#: counts as one client (django-ratelimit's default mask is /64 too). A school's
#: IPv6 network is one /64, as its IPv4 network is one address behind NAT.
IPV6_CLIENT_PREFIX = 64


#: What a request with no address at all is counted as (a Unix socket's peer with
#: no proxy entry): one count for all such requests.
NO_ADDRESS = "0.0.0.0"


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent ``request``: an IPv4 address, or an
    IPv6 client's /64 network."""
    peer = parse_ip(request.META.get("REMOTE_ADDR", ""))
    address = peer
    proxies = lms_setting("LMS_PROXY_COUNT")
    if proxies and _is_trusted_proxy(peer):
        address = _forwarded_client(request, proxies) or peer
    if address is None:
        return NO_ADDRESS
    if address.version == 6:
        network = ipaddress.IPv6Network((int(address), IPV6_CLIENT_PREFIX), False)
        return str(network.network_address)
    return str(address)


def _forwarded_client(request: HttpRequest, proxies: int) -> IpAddressType | None:
    """The entry ``proxies`` places from the right of X-Forwarded-For, if the
    header has that many and it is an address.

    Split here rather than by django-ipware, which reads the whole header with
    RFC 7239 quoting: an unclosed quote sent by the client would swallow the
    entries our proxies appended after it.
    """
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    if len(hops) < proxies:
        return None
    return parse_ip(hops[-proxies])


def _is_trusted_proxy(peer: IpAddressType | None) -> bool:
    """Whether ``peer`` is the nearest proxy. A peer with no address is a local
    process on a Unix socket, which gunicorn trusts too."""
    trusted = lms_setting("LMS_TRUSTED_PROXIES")
    if peer is None or trusted is None or "*" in trusted:
        return True
    return any(peer in ipaddress.ip_network(entry, strict=False) for entry in trusted)
