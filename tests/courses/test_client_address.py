"""The client's address that every limit counts: read from X-Forwarded-For only
behind the configured proxies, and only the entry they wrote."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from courses.client_address import client_address

PROXY = "10.0.0.1"


def address(remote_addr: str = PROXY, forwarded_for: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client_address(RequestFactory().get("/", **meta))


@pytest.fixture
def behind_proxies(settings):
    """The site behind proxies, the nearest at ``PROXY``; the test sets how many."""
    settings.LMS_TRUSTED_PROXIES = [PROXY]
    return settings


def test_without_a_proxy_the_header_is_ignored(settings):
    """With no proxy configured a forged X-Forwarded-For changes nothing."""
    settings.LMS_PROXY_COUNT = 0
    assert address("198.51.100.7", "203.0.113.9") == "198.51.100.7"


def test_behind_one_proxy_the_client_is_the_entry_it_appended(behind_proxies):
    """Behind one proxy the client is the last entry of X-Forwarded-For."""
    behind_proxies.LMS_PROXY_COUNT = 1
    assert address(forwarded_for="203.0.113.9") == "203.0.113.9"


def test_entries_a_client_forged_are_never_read(behind_proxies):
    """What a client puts in front of the proxy's entry, an unclosed quote or
    rubbish included, does not change its address."""
    behind_proxies.LMS_PROXY_COUNT = 1
    for forged in ["6.6.6.6", "6.6.6.6, 7.7.7.7", '"6.6.6.6', "for=6.6.6.6", "x"]:
        assert address(forwarded_for=f"{forged}, 203.0.113.9") == "203.0.113.9"


def test_behind_two_proxies_the_client_is_second_from_the_right(behind_proxies):
    """Behind a load balancer and nginx the client is the entry the load
    balancer appended, before the load balancer's own."""
    behind_proxies.LMS_PROXY_COUNT = 2
    assert address(forwarded_for="6.6.6.6, 203.0.113.9, 10.0.0.2") == "203.0.113.9"
    assert address(forwarded_for="203.0.113.9, 10.0.0.2") == "203.0.113.9"


def test_too_few_entries_or_no_header_count_the_peer(behind_proxies):
    """A request without the proxies' entries is counted by the address it came
    from, never by what a client wrote."""
    behind_proxies.LMS_PROXY_COUNT = 2
    assert address(forwarded_for="203.0.113.9") == PROXY
    assert address() == PROXY
    behind_proxies.LMS_PROXY_COUNT = 1
    assert address() == PROXY
    assert address(forwarded_for="") == PROXY
    assert address(forwarded_for="unknown") == PROXY


def test_a_peer_that_is_not_a_trusted_proxy_is_its_own_address(behind_proxies):
    """Someone reaching the web server past the proxy cannot choose an address
    with the header."""
    behind_proxies.LMS_PROXY_COUNT = 1
    assert address("198.51.100.7", "203.0.113.9") == "198.51.100.7"
    behind_proxies.LMS_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert address("10.9.8.7", "203.0.113.9") == "203.0.113.9"
    behind_proxies.LMS_TRUSTED_PROXIES = None
    assert address("198.51.100.7", "203.0.113.9") == "203.0.113.9"


def test_ipv6_clients_count_by_their_64_network(behind_proxies):
    """An IPv6 client is its /64 network, however it writes the address; an
    IPv4-mapped address is the IPv4 address."""
    behind_proxies.LMS_PROXY_COUNT = 1
    assert address(forwarded_for="2001:db8:1:2::5") == "2001:db8:1:2::"
    assert address(forwarded_for="[2001:db8:1:2:ffff::9]:443") == "2001:db8:1:2::"
    assert address(forwarded_for="2001:db8:1:3::5") == "2001:db8:1:3::"
    assert address(forwarded_for="::ffff:203.0.113.9") == "203.0.113.9"
    assert address("::ffff:10.0.0.1", "203.0.113.9") == "203.0.113.9"
    behind_proxies.LMS_PROXY_COUNT = 0
    assert address("2001:db8:1:2::5") == "2001:db8:1:2::"


def test_a_unix_socket_peer_is_a_local_proxy(behind_proxies):
    """Behind a proxy on a Unix socket (no peer address) the client is the proxy's
    entry; with no entry either, every such request shares one address."""
    behind_proxies.LMS_PROXY_COUNT = 1
    assert address("", "203.0.113.9") == "203.0.113.9"
    assert address("") == "0.0.0.0"
    behind_proxies.LMS_PROXY_COUNT = 0
    assert address("", "203.0.113.9") == "0.0.0.0"
