"""Matching alerts against 1,000,000 offers: one alert (median, p99) and a weekly report.

    .venv/bin/python -m benchmarks.bench_safety --database-url URL --redis-url URL \
        [--offers 1000000] [--alerts 50]

The database given (or BENCH_DATABASE_URL) is reset (its public schema dropped and migrated
afresh) unless --reuse finds the offers there; Redis is not flushed. Generates offers with
realistic titles, brands, model codes and GTINs, writes them and their lookup keys with
COPY, then matches generated alerts (a quarter by barcode, a quarter by model and brand, a
quarter by brand and name, a quarter matching nothing) one core, each in a transaction that
is rolled back so every run sees the same data. Prints the time per alert and per weekly
report, the index's size on disk and this process's peak memory.
Targets (issue 5): one alert < 100 ms, a weekly report of 50 alerts < 5 s.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import statistics
import time
from typing import Any

from sqlalchemy import Engine, create_engine, text

from benchmarks.targets import add_options, env_of, reset_database, targets
from moderation.safety.keys import offer_keys

BRANDS = [f"Brand{i:04d}" for i in range(3_000)]
PRODUCTS = ["Grzejnik olejowy", "Czajnik elektryczny", "Lampka nocna LED", "Zabawka pluszowa",
            "Hulajnoga elektryczna", "Ładowarka USB", "Suszarka do włosów", "Kask rowerowy",
            "Fotelik samochodowy", "Smoczek silikonowy", "Przedłużacz 5 gniazd", "Latarka"]


def _gtin(n: int) -> str:
    body = f"590{n:09d}"
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return body + str((10 - total % 10) % 10)


def _offer(i: int, rnd: random.Random) -> tuple[str, str, str, list[str]]:
    brand = rnd.choice(BRANDS)
    model = f"{rnd.choice('ABCDEFGHKLMNPRSTX')}{rnd.choice('ABCDEFGHKLMNPRSTX')}-{i % 99991}"
    title = f"{rnd.choice(PRODUCTS)} {brand} {model} {rnd.choice(['nowy', 'okazja', ''])}"
    return title.strip(), brand, model, [_gtin(i)] if i % 3 else []


def seed(url: str, n: int) -> None:
    engine = create_engine(url)
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        cur.execute("INSERT INTO sellers (external_id, activated, strikes, created_at) "
                    "VALUES ('bench', true, 0, now())")
        chunk = 100_000
        for start in range(0, n, chunk):
            offers, keys = io.StringIO(), io.StringIO()
            for i in range(start + 1, min(n, start + chunk) + 1):
                title, brand, _, gtins = _offer(i, random.Random(5 + i))
                codes = json.dumps(gtins)
                offers.write(f"{i}\tb-{i}\t1\t1\t{title}\t\t{brand}\t99.00\tPLN\t{codes}\t"
                             "active\t1\tf\t2026-11-01 00:00:00+00\t2026-11-01 00:00:00+00\n")
                for key in offer_keys(title=title, brand=brand, gtins=gtins):
                    keys.write(f"{i}\t{key}\n")
            offers.seek(0)
            keys.seek(0)
            with cur.copy("COPY offers (id, marketplace_id, seller_id, version, title, "
                          "description, brand, price, currency, gtins, status, "
                          "screened_version, needs_screening, created_at, updated_at) "
                          "FROM STDIN") as copy:
                copy.write(offers.read())
            with cur.copy("COPY offer_keys (offer_id, key) FROM STDIN") as copy:
                copy.write(keys.read())
            raw.commit()
        cur.execute("SELECT setval('offers_id_seq', %s)", (n,))
        raw.commit()
    finally:
        raw.close()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE offers"))
        conn.execute(text("VACUUM ANALYZE offer_keys"))
    engine.dispose()


def _seeded(engine: Engine) -> int | None:
    try:
        with engine.connect() as conn:
            return int(conn.scalar(text("SELECT count(*) FROM offers")) or 0)
    except Exception:  # no database or no schema yet: seed from scratch
        return None


def alerts(n: int, offers: int) -> list[dict[str, Any]]:
    rnd = random.Random(11)
    out: list[dict[str, Any]] = []
    for k in range(n):
        i = rnd.randint(1, offers)
        title, brand, model, _ = _offer(i, random.Random(5 + i))
        kind = k % 4
        if kind == 0:
            out.append({"brand": "", "model": "", "name": "Product", "codes": [_gtin(i)]})
        elif kind == 1:
            out.append({"brand": brand, "model": model, "name": "", "codes": []})
        elif kind == 2:
            out.append({"brand": brand, "model": "", "name": title.split(" Brand")[0],
                        "codes": []})
        else:
            out.append({"brand": "Nobrand", "model": "QQ-0000001", "name": "Nothing like it",
                        "codes": []})
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=1_000_000)
    parser.add_argument("--alerts", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the offers of the last run if their number matches")
    add_options(parser)  # the database is reset unless --reuse finds its offers there
    args = parser.parse_args()
    given = targets(parser, args)
    url = given.database_url
    os.environ.update(env_of(given))
    engine = create_engine(url)
    if not (args.reuse and _seeded(engine) == args.offers):
        reset_database(url)
        start = time.perf_counter()
        seed(url, args.offers)
        print(f"indexed {args.offers:,} offers in {time.perf_counter() - start:.0f} s")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM alert_codes"))
        conn.execute(text("DELETE FROM safety_alerts"))

    from moderation.runtime import Runtime
    from moderation.safety.alerts import AlertIn, Code, store_alerts
    from moderation.safety.keys import gtin14
    from moderation.safety.matching import match_alert

    runtime = Runtime.build(bind=engine)
    learned = runtime.screener.matcher
    learned.get()  # a worker loads it once; the timings are of matching, not loading
    with runtime.sessionmaker() as session:
        specs = alerts(args.alerts, args.offers)
        summary = store_alerts(session, [
            AlertIn(source="safety_gate", number=f"B/{k:05d}/26", brand=str(a["brand"]),
                    model=str(a["model"]), name=str(a["name"]), product="Product",
                    codes=tuple(Code("gtin", gtin14(c) or "") for c in a["codes"]))
            for k, a in enumerate(specs)])
        session.commit()
        ids = summary.created
    per_alert: list[float] = []
    weekly: list[float] = []
    matched = 0
    for _ in range(args.repeat):
        week_start = time.perf_counter()
        for alert_id in ids:
            with runtime.sessionmaker() as session:
                t0 = time.perf_counter()
                matched += len(match_alert(session, alert_id, learned=learned))
                per_alert.append((time.perf_counter() - t0) * 1000)
                session.rollback()
        weekly.append(time.perf_counter() - week_start)
    per_alert.sort()
    with engine.connect() as conn:
        size = conn.scalar(text("SELECT pg_total_relation_size('offer_keys')"))
        offers_size = conn.scalar(text("SELECT pg_total_relation_size('offers')"))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"alerts: {len(ids)} x {args.repeat} runs; matches per run: {matched // args.repeat}")
    print(f"one alert: median {statistics.median(per_alert):.1f} ms, "
          f"p99 {per_alert[int(len(per_alert) * 0.99)]:.1f} ms (target < 100 ms)")
    print(f"weekly report of {len(ids)} alerts: median {statistics.median(weekly):.2f} s "
          f"(target < 5 s)")
    print(f"offer_keys on disk: {size / 2**20:.0f} MB (offers: {offers_size / 2**20:.0f} MB); "
          f"peak memory of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
