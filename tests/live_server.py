"""The real application served over HTTP by uvicorn in a thread of the test process."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
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
