"""The real application served over HTTP by uvicorn in a thread of the test process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
import uvicorn

from api.app import create_app
from moderation.runtime import Runtime


@contextmanager
def serving(runtime: Runtime) -> Iterator[str]:
    """Serve create_app(runtime) on a free port until the block ends; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(runtime), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.02)
        assert httpx.get(f"{base}/healthz").status_code == 200
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def wait_until_serving(base: str, *, seconds: float) -> None:
    """Wait for a server started in another process to answer /healthz, or fail the test."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("server did not start")


def race(n: int, send: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    """Send n requests at the same moment, each from its own thread."""
    start = threading.Barrier(n)

    def one(i: int) -> httpx.Response:
        start.wait()
        return send(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))
