"""A fake webhook receiver and a fake Learning Record Store, as httpx transports;
a name service that needs no network; and the endpoints and the worker's run
the integration tests share."""

from __future__ import annotations

import base64
import ipaddress
import json
import socket
from collections.abc import Callable

import httpx
import pytest

from courses.integrations.delivery import deliver_due
from courses.integrations.models import Event, WebhookEndpoint

PUBLIC_IP = "93.184.215.14"


class FakeReceiver:
    """Records each request; answers with what ``answer`` says (a status code or
    an exception to raise, e.g. a timeout)."""

    def __init__(
        self, answer: Callable[[httpx.Request], int | Exception] | None = None
    ):
        self.requests: list[httpx.Request] = []
        self.answer = answer or (lambda request: 200)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.answer(request)
        if isinstance(outcome, Exception):
            raise outcome
        return httpx.Response(outcome)

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def bodies(self) -> list[dict]:
        return [json.loads(request.content) for request in self.requests]


class FakeLRS:
    """An LRS that keeps statements by id, as xAPI says: a batch with an id it
    holds already is refused with 409, a PUT of one it holds answers 204 (same
    statement) or 409 (another); ``down`` answers 503 to everything."""

    def __init__(self, username: str = "lrs-user", password: str = "lrs-pass"):
        self.statements: dict[str, dict] = {}
        self.received = 0
        self.down = False
        self.requests: list[httpx.Request] = []
        self.expected_auth = (
            "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
        )

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.down:
            return httpx.Response(503)
        if request.headers.get("Authorization") != self.expected_auth:
            return httpx.Response(401)
        if request.headers.get("X-Experience-API-Version") != "1.0.3":
            return httpx.Response(400)
        body = json.loads(request.content)
        if request.method == "PUT":
            self.received += 1
            sid = request.url.params["statementId"]
            if sid in self.statements:
                return httpx.Response(204 if self.statements[sid] == body else 409)
            self.statements[sid] = body
            return httpx.Response(204)
        if any(statement["id"] in self.statements for statement in body):
            return httpx.Response(409)
        for statement in body:
            self.received += 1
            self.statements[statement["id"]] = statement
        return httpx.Response(200, json=[statement["id"] for statement in body])

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))


@pytest.fixture
def public_dns(monkeypatch):
    """Host names resolve without the network: ``*.internal`` to a private
    address, anything else to a public one; literal addresses to themselves."""

    def getaddrinfo(host, port, *args, **kwargs):
        if host.endswith(".internal"):
            address = "10.1.2.3"
        else:
            try:
                address = str(ipaddress.ip_address(host))
            except ValueError:
                address = PUBLIC_IP
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        return [(family, socket.SOCK_STREAM, 6, "", (address, port or 0))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def make_endpoint(**kwargs) -> WebhookEndpoint:
    kwargs.setdefault("name", "Personāla sistēma")
    kwargs.setdefault("url", "https://hr.example.lv/lms")
    kwargs.setdefault("events", list(Event.values))
    return WebhookEndpoint.objects.create(**kwargs)


@pytest.fixture
def lrs(settings):
    """The site sends xAPI statements to a fake Learning Record Store."""
    settings.LMS_XAPI_ENDPOINT = "https://lrs.example.lv/xapi/"
    settings.LMS_XAPI_USERNAME = "lrs-user"
    settings.LMS_XAPI_PASSWORD = "lrs-pass"
    return FakeLRS()


def drain(fake) -> int:
    return deliver_due(client_factory=fake.client)
