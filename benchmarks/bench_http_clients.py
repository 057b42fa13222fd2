"""What a load generator's HTTP client costs: CPU per request of httpx and aiohttp, side by side.

    .venv/bin/python -m benchmarks.bench_http_clients [--requests 2000] [--rounds 2]

The load test (benchmarks/load_test.py) posts offers at a steady rate from one process; its
client's own CPU decides how high that rate can go on this machine, beside the service it
loads. Both clients post the same JSON body, 16 at a time, to one small endpoint served by
uvicorn in a process of its own (an answer of a few bytes: the figure is the client's, not
the server's), in alternating rounds; each round prints the client process's CPU (user +
system) per request and its request rate.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

BODY: dict[str, Any] = {
    "marketplace_id": "bench", "version": 1, "seller": {"id": "s-1"},
    "title": "Rower górski Kross Hexagon", "description": "Stan bardzo dobry, wysyłka kurierem.",
    "category": "Sport > Rowery", "brand": "Kross", "price": "1299.00", "currency": "PLN",
    "gtins": ["5901234123457"]}
IN_FLIGHT = 16


def echo_app() -> Any:
    """The endpoint: takes the body, answers a few bytes."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def take(request: Request) -> JSONResponse:
        await request.body()
        return JSONResponse({"outcome": "created"}, status_code=201)

    return Starlette(routes=[Route("/offers", take, methods=["POST"])])


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


async def _timed(post: Callable[[int], Awaitable[None]], n: int) -> tuple[float, float]:
    """CPU microseconds per request and requests per second of n posts, IN_FLIGHT at once."""
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(i: int) -> None:
        async with gate:
            await post(i)

    cpu, began = _cpu(), time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(n)))
    return (_cpu() - cpu) / n * 1e6, n / (time.perf_counter() - began)


async def with_httpx(url: str, n: int) -> tuple[float, float]:
    import httpx

    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=IN_FLIGHT)) as client:
        async def post(i: int) -> None:
            answer = await client.post(url, json={**BODY, "marketplace_id": f"h-{i}"})
            answer.raise_for_status()

        return await _timed(post, n)


async def with_aiohttp(url: str, n: int) -> tuple[float, float]:
    import aiohttp

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=IN_FLIGHT)) as client:
        async def post(i: int) -> None:
            async with client.post(url, json={**BODY, "marketplace_id": f"a-{i}"}) as answer:
                answer.raise_for_status()
                await answer.read()

        return await _timed(post, n)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--serve", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:  # the endpoint's own process, started below
        import uvicorn

        uvicorn.run(echo_app(), host="127.0.0.1", port=args.serve, log_level="warning")
        return
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_http_clients",
                               "--serve", str(port)])
    url = f"http://127.0.0.1:{port}/offers"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the endpoint did not start") from None
                time.sleep(0.2)
        asyncio.run(with_aiohttp(url, 200))  # warm-up: imports, connections
        asyncio.run(with_httpx(url, 200))
        for r in range(args.rounds):
            for name, client in (("httpx", with_httpx), ("aiohttp", with_aiohttp)):
                us, rate = asyncio.run(client(url, args.requests))
                print(f"round {r + 1} {name:<8} {us:7,.0f} us of CPU a request, "
                      f"{rate:6,.0f} requests/s", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
