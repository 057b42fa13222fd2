"""A Redis server of the test's own, on a free port, that a test can stop and start again;
and a cutter of some processes' database connections."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from redis import Redis
from sqlalchemy import Engine, text


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    """`redis-server` without persistence: a restart loses every queued job, as a crash
    of a cache-configured Redis does, so what survives is what the database remembers."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self._proc: subprocess.Popen[bytes] | None = None
        self.restarts = 0

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is missing: `make test` starts Redis from it")
        self._proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        probe = Redis(port=self.port, socket_connect_timeout=0.2)
        while True:
            try:
                probe.ping()
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                probe.close()

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()  # a crash: nothing saved, connections cut
            self._proc.wait(timeout=10)
            self._proc = None

    def restart(self, *, down_seconds: float = 0.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()
        self.restarts += 1

    def client(self) -> Redis:
        return Redis.from_url(self.url)


@contextmanager
def redis_server(workdir: Path) -> Iterator[RedisServer]:
    server = RedisServer(workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class Cutter:
    """Terminate the connections of processes named `victims` (their PGAPPNAME) every
    `every` seconds, from a thread, until stopped."""

    def __init__(self, engine: Engine, victims: Sequence[str], *, every: float) -> None:
        self.engine = engine
        self.victims = list(victims)
        self.every = every
        self.rounds = self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            with self.engine.connect() as conn:
                cut = conn.execute(text(
                    "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) "
                    "FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND application_name = ANY(:victims)"),
                    {"victims": self.victims}).scalar_one()
            self.rounds += 1
            self.connections += int(cut)

    def __enter__(self) -> Cutter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
