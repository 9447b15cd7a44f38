"""Webhook addresses: not HTTPS, this site itself, or a private, loopback or
link-local address (in any of its IPv6 forms) is refused when saved and when
sent to; a site with a receiver on its own network says so in its settings."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from django.core.exceptions import ValidationError

from courses.integrations.events import emit
from courses.integrations.models import Event, OutboxStatus, WebhookDelivery
from courses.integrations.webhooks import check_webhook_url, is_public_address
from tests.courses.integration_fakes import FakeReceiver, drain, make_endpoint

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_dns")]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://hr.example.lv/lms", "must start with https://"),
        ("ftp://hr.example.lv/", "full address"),
        ("https://127.0.0.2/hook", "private network"),
        ("https://10.0.0.5/hook", "private network"),
        ("https://169.254.169.254/latest/meta-data", "private network"),
        ("https://[::1]/hook", "private network"),
        ("https://hooks.internal/x", "private network"),
        ("https://localhost/hook", "this site itself"),
    ],
)
def test_unsafe_addresses_are_refused(url, message):
    """Not HTTPS, this site itself, or a private, loopback or link-local address."""
    with pytest.raises(Exception) as refused:
        check_webhook_url(url)
    assert message in " ".join(refused.value.messages)


def test_a_public_https_address_is_accepted():
    check_webhook_url("https://hr.example.lv/lms")


@pytest.mark.parametrize(
    "host",
    [
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a00:5",  # NAT64 of 10.0.0.5
        "64:ff9b:1::5db8:d822",  # local-use NAT64
        "2002:7f00:1::",  # 6to4 of 127.0.0.1
        "2002:c0a8:101::",  # 6to4 of 192.168.1.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:5db8:d822",  # IPv4-mapped, even of a public address
        "::127.0.0.1",  # IPv4-compatible
        "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
        "0.1.2.3",
        "100.64.0.1",
        "192.0.0.8",
        "192.0.2.1",
        "198.18.0.1",
        "198.51.100.7",
        "203.0.113.9",
        "240.0.0.1",
        "255.255.255.255",
        "224.0.0.1",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "2001:db8::1",
        "2001:2::1",
        "100::1",
        "3fff::1",
        "5f00::1",
        "ff02::1",
    ],
)
def test_special_purpose_and_embedded_private_addresses_are_refused(host):
    """Every IANA special-purpose range, and every IPv6 form that carries a
    private or loopback IPv4 address, is refused as private when saved."""
    url = f"https://[{host}]/hook" if ":" in host else f"https://{host}/hook"
    with pytest.raises(ValidationError) as refused:
        check_webhook_url(url)
    assert "private network" in refused.value.messages[0]
    assert not is_public_address(ipaddress.ip_address(host))


@pytest.mark.parametrize(
    "host",
    [
        "93.184.216.34",
        "2606:2800:220:1::",
        "2002:5db8:d822::",  # 6to4 of 93.184.216.34
        "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34
    ],
)
def test_public_addresses_and_their_ipv6_forms_are_accepted(host):
    """A public address, and an IPv6 form of one, can be saved."""
    url = f"https://[{host}]/hook" if ":" in host else f"https://{host}/hook"
    check_webhook_url(url)
    assert is_public_address(ipaddress.ip_address(host))


def test_a_name_resolving_to_a_nat64_loopback_is_not_called(monkeypatch):
    """A host whose name resolves at send time to NAT64's form of 127.0.0.1 is not
    called; the delivery waits for a retry with the reason."""
    make_endpoint(url="https://hooks.example.lv/x")
    emit(Event.COURSE_COMPLETED, {"user": 1}, key="course.completed:1")
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *args, **kwargs: [
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::7f00:1", 0, 0, 0))
        ],
    )
    receiver = FakeReceiver()
    drain(receiver)
    assert receiver.requests == []
    row = WebhookDelivery.objects.get()
    assert row.status == OutboxStatus.PENDING
    assert "(64:ff9b::7f00:1)" in row.last_error


def test_the_configured_address_is_this_site_itself(settings):
    """A webhook to the site's configured address is refused as the site itself;
    the same address is accepted while the site is configured elsewhere."""
    check_webhook_url("https://kursi.example.lv/hook")
    settings.WAGTAILADMIN_BASE_URL = "https://kursi.example.lv"
    with pytest.raises(ValidationError) as refused:
        check_webhook_url("https://kursi.example.lv/hook")
    assert "this site itself" in " ".join(refused.value.messages)


def test_local_receivers_are_allowed_by_settings(settings):
    """A site with a receiver on its own network says so in its settings."""
    settings.LMS_WEBHOOKS_ALLOW_HTTP = True
    settings.LMS_WEBHOOKS_ALLOW_PRIVATE = True
    check_webhook_url("http://10.0.0.5:8080/hook")
