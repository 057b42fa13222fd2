"""Concurrent writers on the embedded default: how many authority orders are stored.

    .venv/bin/python -m benchmarks.bench_embedded_writes [--concurrent 24] [--in-turn 22]

Runs `moderation serve` on a fresh SQLite file with its in-process worker, fires the orders
together, then one after another, while a reader lists orders throughout. Prints the answers,
how many orders were stored, and the reader's latency quiet and during the writes.
"""

from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent / "moderation"


def _order(reference: str) -> dict[str, object]:
    return {"kind": "order", "reference": reference, "product": "Zabawka pluszowa miś",
            "brand": "Acme", "barcodes": ["5901234123457"], "risk": "chemical",
            "legal_basis": "art. 22 GPSR", "requested_measure": "remove",
            "contact_email": "a@uokik.example.gov.pl"}


def _latency(samples: list[float]) -> str:
    if not samples:
        return "no reads"
    return (f"{len(samples)} reads, median {statistics.median(samples) * 1000:.0f} ms, "
            f"max {max(samples) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--concurrent", type=int, default=24)
    parser.add_argument("--in-turn", type=int, default=22)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp())
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite:///{folder / 'moderation.db'}"
    subprocess.run([str(BIN), "migrate"], env=env, check=True, capture_output=True)
    key = subprocess.run([str(BIN), "users", "create", "uokik", "--role", "authority",
                          "--organisation", "UOKiK"], env=env, check=True, capture_output=True,
                         text=True).stdout.strip()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (folder / "server.log").open("wb")
    server = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=env, stdout=log,
                              stderr=subprocess.STDOUT)
    base, headers = f"http://127.0.0.1:{port}", {"X-API-Key": key}
    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)

        def send(reference: str) -> str:
            try:
                return str(httpx.post(f"{base}/v1/safety/orders", json=_order(reference),
                                      headers=headers, timeout=60).status_code)
            except httpx.HTTPError as exc:
                return type(exc).__name__

        stop, reads = threading.Event(), []

        def reader() -> None:
            with httpx.Client(headers=headers) as client:
                while not stop.is_set():
                    started = time.monotonic()
                    client.get(f"{base}/v1/safety/orders", params={"limit": 5})
                    reads.append(time.monotonic() - started)

        thread = threading.Thread(target=reader)
        thread.start()
        time.sleep(0.5)
        quiet = list(reads)
        reads.clear()
        started = time.monotonic()
        with ThreadPoolExecutor(args.concurrent) as pool:
            together = list(pool.map(send, [f"C/{i}" for i in range(args.concurrent)]))
        print(f"{args.concurrent} together: {dict(Counter(together))} "
              f"in {time.monotonic() - started:.1f} s")
        in_turn = [send(f"S/{i}") for i in range(args.in_turn)]
        stop.set()
        thread.join()
        print(f"{args.in_turn} in turn: {dict(Counter(in_turn))}")
        print(f"reader quiet: {_latency(quiet)}; during the writes: {_latency(reads)}")
        with sqlite3.connect(folder / "moderation.db") as db:
            stored = db.execute("SELECT count(*) FROM safety_alerts").fetchone()[0]
        print(f"stored {stored} of {args.concurrent + args.in_turn}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


if __name__ == "__main__":
    main()
