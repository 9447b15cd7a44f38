"""Probe a running production-mode site behind a (simulated) proxy: do the sign-in
and look-up limits hold per account and per client?

The site must run with ``DJANGO_ENV=production PROXY_COUNT=1`` and the demo data
(``manage.py seed_demo``), reached from 127.0.0.1, which stands for the proxy
(``FORWARDED_ALLOW_IPS`` default): every request carries the ``X-Forwarded-For``
and ``X-Forwarded-Proto: https`` a proxy would send. Run it on a fresh database:
it locks the demo's admin account for 10 minutes.

    .venv/bin/python bench/signin_probe.py http://127.0.0.1:8124

1. *Guesser.* One client guesses the admin's password, alternating the admin's
   form and the site's, forging a new address in front of the proxy's entry and a
   new browser each time, and signing in as the author or the teacher between
   guesses. ``guesses_answered`` counts guesses answered "wrong password" before
   the first 429 (the guess that gets the first 429 was checked too: the lock
   starts after it).
2. *Another client.* After one client's 150 wrong passwords for other accounts
   (both forms) and 130 certificate look-ups, a second client signs in as the
   teacher and the author and looks up a certificate (``other_client_ok``).
3. *Past the proxy.* A client connecting from 127.0.0.2 (not a trusted proxy)
   writes a new X-Forwarded-For each time: it is counted by 127.0.0.2 all the same.

Last line: guesses_answered=… first_429_at=… other_client_ok=… spoofed_locked_at=…
"""

from __future__ import annotations

import re
import sys
from collections import Counter

import httpx

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ADMIN_FORM = "/admin/login/"
SITE_FORM = "/en/accounts/login/"


class Browser:
    """A client behind the proxy: its cookies (Secure ones too, since the proxy
    speaks HTTPS to it) and the headers the proxy adds."""

    def __init__(self, base: str, address: str, local_address: str | None = None):
        transport = httpx.HTTPTransport(local_address=local_address)
        self.http = httpx.Client(base_url=base, transport=transport, timeout=30)
        self.base, self.address, self.cookies = base, address, {}
        self.forged = ""
        self.agent = "probe"

    def headers(self) -> dict:
        forwarded = f"{self.forged}, {self.address}" if self.forged else self.address
        return {
            "X-Forwarded-For": forwarded,
            "X-Forwarded-Proto": "https",
            "User-Agent": self.agent,
            "Referer": self.base.replace("http://", "https://") + "/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        response = self.http.request(method, path, headers=self.headers(), **kwargs)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response

    def sign_in(self, form: str, name: str, password: str) -> int:
        page = self.request("GET", form).text
        token = TOKEN.search(page)
        field = "username" if form == ADMIN_FORM else "login"
        data = {field: name, "password": password}
        if token:
            data["csrfmiddlewaretoken"] = token.group(1)
        status = self.request("POST", form, data=data).status_code
        self.cookies.pop("sessionid", None)
        return status


def guesser(base: str) -> tuple[int, int | None, list[int]]:
    statuses = []
    for n in range(24):
        client = Browser(base, "198.51.100.66")
        client.forged, client.agent = f"203.0.113.{n}", f"Browser/{n}"
        if n % 2:
            statuses.append(client.sign_in(ADMIN_FORM, "admin", f"guess{n}"))
            helper = client.sign_in(ADMIN_FORM, "author", "author-demo-2026")
        else:
            statuses.append(client.sign_in(SITE_FORM, "admin@example.edu", f"g{n}"))
            helper = client.sign_in(
                SITE_FORM, "teacher@example.edu", "teacher-demo-2026"
            )
        assert helper == 302, f"the helper's sign-in answered {helper}"
    first = statuses.index(429) if 429 in statuses else None
    return statuses[: first or len(statuses)].count(200), first, statuses


def another_client(base: str) -> tuple[bool, Counter, Counter]:
    busy = Browser(base, "198.51.100.77")
    failures = Counter()
    for n in range(150):
        busy.forged = f"6.6.6.{n % 250}"
        form, name = (
            (ADMIN_FORM, f"someone{n}") if n % 2 else (SITE_FORM, f"s{n}@skola.lv")
        )
        failures[busy.sign_in(form, name, "wrong")] += 1
    lookups = Counter(
        busy.request("GET", f"/verify/{n:020d}/").status_code for n in range(130)
    )
    other = Browser(base, "198.51.100.7")
    ok = (
        other.sign_in(SITE_FORM, "teacher@example.edu", "teacher-demo-2026") == 302
        and other.sign_in(ADMIN_FORM, "author", "author-demo-2026") == 302
        and other.request("GET", f"/verify/{1:020d}/").status_code == 404
    )
    return ok, failures, lookups


def past_the_proxy(base: str) -> int | None:
    direct = Browser(base, "", local_address="127.0.0.2")
    for n in range(1, 120):
        direct.address = f"192.0.2.{n}"
        if direct.sign_in(ADMIN_FORM, f"nobody{n}", "wrong") == 429:
            return n
    return None


def main(base: str) -> None:
    answered, first, statuses = guesser(base)
    owner = Browser(base, "192.0.2.200").sign_in(ADMIN_FORM, "admin", "admin-demo-2026")
    print(f"guesser's statuses: {statuses}")
    print(f"the admin's right password from another client afterwards: {owner}")
    ok, failures, lookups = another_client(base)
    print(f"busy client's 150 wrong passwords: {dict(failures)}")
    print(f"busy client's 130 look-ups: {dict(lookups)}")
    spoofed = past_the_proxy(base)
    print(
        f"guesses_answered={answered} first_429_at={first + 1 if first is not None else None}"
        f" other_client_ok={ok} spoofed_locked_at={spoofed}"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8124")
