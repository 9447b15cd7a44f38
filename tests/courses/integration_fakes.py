"""A fake webhook receiver and a fake Learning Record Store, as httpx transports."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import httpx


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
