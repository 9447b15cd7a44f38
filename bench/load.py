"""A small closed-loop HTTP load generator for benchmarks on loopback."""

from __future__ import annotations

import http.client
import threading
import time


def measure_rps(
    host: str, port: int, path: str, cookie: str, seconds: float, concurrency: int
) -> float:
    """Requests per second for ``path`` with ``concurrency`` keep-alive clients.

    Every response must be a 200; anything else stops the benchmark, since a fast
    error page would flatter the figures.
    """
    deadline = time.perf_counter() + seconds
    counts = [0] * concurrency
    failures: list[str] = []

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection(host, port, timeout=30)
        headers = {"Cookie": cookie, "Host": f"{host}:{port}"}
        while time.perf_counter() < deadline and not failures:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(f"{path} answered {response.status}")
                return
            counts[slot] += 1
        connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(failures[0])
    return sum(counts) / elapsed


def wait_until_up(host: str, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(host, port, timeout=2)
            connection.request("GET", "/api/v1/courses")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on {host}:{port} did not start")
