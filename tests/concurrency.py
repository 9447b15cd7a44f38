"""Running jobs at the same moment from several threads, for PostgreSQL lock tests."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

#: Marks a module's tests as needing real row locks (PostgreSQL) and real commits.
needs_row_locks = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
    ),
]


def run_in_threads(jobs: list[Callable[[], object]]) -> None:
    """Start every job at once (behind a barrier); fail if any of them raised."""
    barrier = threading.Barrier(len(jobs))
    errors: list[Exception] = []

    def worker(job: Callable[[], object]) -> None:
        try:
            barrier.wait()
            job()
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
