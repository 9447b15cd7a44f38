"""Whether sign-up tells who has an account: the time of a sign-up with an address
that has an account against one with a new address, and the same for a password
reset.

The real requests (the Django test client, DEBUG off, the site's own password
hasher, not the tests' fast one) on a fresh database: SQLite by default,
``DATABASE_URL=postgres://…/lms_bench_signup`` (created afresh) for PostgreSQL.
E-mails go to the in-memory outbox, so an SMTP server's time is left out (each
path sends one e-mail). Each round signs up once with a known and once with a new
address (which goes first alternates), and asks for a password reset for a known
and an unknown address, each request from a client address of its own so that
allauth's per-address limits do not answer instead; the first two rounds warm up
and are not counted. ``ratio`` is the median new-address time over the median
known-address time: 1.00 is no difference.

    .venv/bin/python bench/signup_timing.py [--rounds 20]

Last line: known_ms=… new_ms=… ratio=… reset_known_ms=… reset_unknown_ms=…
reset_ratio=… rounds=20 hasher=pbkdf2_sha256
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.integrations import fresh_database  # noqa: E402

PASSWORD = "Daugavpils-skola-2026"
WARM_UP = 2


def timed(client, path: str, data: dict, address: str) -> float:
    started = time.perf_counter()
    response = client.post(path, data, REMOTE_ADDR=address)
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, (path, response.status_code)
    return elapsed


def measure(rounds: int) -> dict[str, list[float]]:
    from django.core import mail
    from django.test import Client

    from tests.factories import make_user

    known = [make_user(email=f"known{n}@skola.lv") for n in range(rounds)]
    times: dict[str, list[float]] = {
        "known": [],
        "new": [],
        "reset_known": [],
        "reset_unknown": [],
    }
    for n, account in enumerate(known):
        addresses = {
            "known": account.email,
            "new": f"new{n}@skola.lv",
            "reset_known": account.email,
            "reset_unknown": f"nobody{n}@skola.lv",
        }
        signups = ("known", "new") if n % 2 else ("new", "known")
        resets = ("reset_known", "reset_unknown")
        for i, kind in enumerate(signups + (resets if n % 2 else resets[::-1])):
            address = f"10.0.{n}.{i + 1}"
            if kind.startswith("reset_"):
                path = "/en/accounts/password/reset/"
                data = {"email": addresses[kind]}
            else:
                path = "/en/accounts/signup/"
                data = {
                    "first_name": "Jolanta",
                    "last_name": "Ūzuliņa",
                    "email": addresses[kind],
                    "password1": PASSWORD,
                    "password2": PASSWORD,
                }
            mail.outbox = []
            times[kind].append(timed(Client(), path, data, address))
            assert len(mail.outbox) == 1, (kind, len(mail.outbox))
    return {kind: values[WARM_UP:] for kind, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    fresh_database(workdir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")

    import django

    django.setup()
    from django.contrib.auth.hashers import get_hasher
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    # The in-memory outbox, as in the tests; the site's password hashers stay.
    setup_test_environment()
    call_command("migrate", verbosity=0)
    times = measure(args.rounds + WARM_UP)
    ms = {kind: statistics.median(values) * 1000 for kind, values in times.items()}
    for kind, values in times.items():
        print(
            f"{kind}: median {ms[kind]:.0f} ms, "
            f"min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}",
            file=sys.stderr,
        )
    print(
        f"known_ms={ms['known']:.0f} new_ms={ms['new']:.0f} "
        f"ratio={ms['new'] / ms['known']:.2f} "
        f"reset_known_ms={ms['reset_known']:.0f} "
        f"reset_unknown_ms={ms['reset_unknown']:.0f} "
        f"reset_ratio={ms['reset_unknown'] / ms['reset_known']:.2f} "
        f"rounds={args.rounds} hasher={get_hasher().algorithm}"
    )


if __name__ == "__main__":
    main()
