"""Safety matching in both directions on the shared Safety Gate weeks: recall and false matches.

    .venv/bin/python -m benchmarks.eval_safety_matching [--alerts PATH] [--flipkart PATH]
        [--polish DIR] [--lawful-limit N] [--database-url URL] [--json FILE]

Imports the alerts with the production importer, builds offers from the alerts that name a
brand and a model the way sellers write them (benchmarks/safety_offers.py: eleven title
forms, each with and without the brand field, no barcode), sibling offers of the same
brand and line with another model number, and real lawful listings (Flipkart titles and the
Polish shops, read from their folders at run time). Then, each on a fresh database:

- direction A (reappearance): alerts first, then every offer screened as the workers
  screen it (`screen_pending`), which holds the offers matching an active alert;
- direction B (alert matching): offers screened and indexed first, then every alert
  matched (`match_alert`).

Both record what matched in `safety_matches`, which is what is counted. Recall: positives
matched by an alert of their product (alerts naming the same brand and model count as one
product). False matches: siblings and lawful listings matched by any alert, and positives
matched by another product's alert, absolute and per 1,000 offers. The database is a SQLite
file in a temporary folder unless `--database-url` names another (it is migrated and filled;
use an empty one).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

from sqlalchemy import select  # noqa: E402
from sqlalchemy.orm import Session, sessionmaker  # noqa: E402

if TYPE_CHECKING:
    from moderation.runtime import Runtime

from benchmarks.safety_offers import (  # noqa: E402
    FORMS,
    AlertText,
    BuiltOffer,
    SellerProduct,
    codes_in,
    lawful_listings,
    plain,
    positives,
    seller_products,
    sibling_model,
    siblings,
)

DATA = Path("/work/shared/data")
DEFAULT_ALERTS = DATA / "safety-gate" / "alerts_2020_w01-w05.json"
DEFAULT_FLIPKART = DATA / "benign-listings" / "flipkart_titles_a.csv"
DEFAULT_POLISH = DATA / "polish-listings"
CHUNK = 2_000


def build_offers(products: Sequence[SellerProduct], alerts: Sequence[AlertText], *,
                 flipkart: Path | None, polish: Path | None, lawful_limit: int | None
                 ) -> list[BuiltOffer]:
    out: list[BuiltOffer] = []
    seen: set[str] = set()
    for product in products:
        for offer in [*positives(product), *siblings(product, alerts)]:
            if offer.marketplace_id not in seen:
                seen.add(offer.marketplace_id)
                out.append(offer)
    out.extend(lawful_listings(flipkart, polish, limit=lawful_limit))
    return out


def _event(offer: BuiltOffer) -> Any:
    from moderation.schemas import OfferIn

    return OfferIn.model_validate({
        "marketplace_id": re.sub(r"[^A-Za-z0-9._:-]", ".", offer.marketplace_id)[:64],
        "version": 1,
        "seller": {"id": f"seller-{hash(offer.marketplace_id) % 97}",
                   "account_created_at": (datetime.now(UTC) - timedelta(days=800)).isoformat()},
        "title": offer.title, "description": offer.description, "brand": offer.brand,
        "price": "99.00", "currency": "PLN", "gtins": []})


def _ingest(factory: sessionmaker[Session], offers: Sequence[BuiltOffer]) -> dict[str, int]:
    from moderation.intake.offers import ingest_many

    ids: dict[str, int] = {}
    for start in range(0, len(offers), CHUNK):
        chunk = offers[start:start + CHUNK]
        with factory() as session:
            results = ingest_many(session, [_event(o) for o in chunk])
            session.commit()
        ids.update({o.marketplace_id: r.offer_id for o, r in zip(chunk, results, strict=True)
                    if r.offer_id is not None})
    return ids


def _screen(runtime: Runtime) -> None:
    from moderation.screening.batches import screen_pending

    while True:
        with runtime.sessionmaker() as session:
            done = screen_pending(session, runtime.screener, limit=500).screened
            session.commit()
        if not done:
            return


def _import_alerts(factory: sessionmaker[Session], path: Path) -> dict[int, str]:
    from moderation.safety.importer import import_safety_gate
    from moderation.tables import SafetyAlert

    with factory() as session:
        import_safety_gate(session, path)
        session.commit()
        return dict(session.execute(select(SafetyAlert.id, SafetyAlert.number)).all())


def _matches(factory: sessionmaker[Session]) -> list[tuple[int, int, str]]:
    from moderation.tables import SafetyMatch

    with factory() as session:
        return [(a, o, c) for a, o, c in session.execute(
            select(SafetyMatch.alert_id, SafetyMatch.offer_id, SafetyMatch.confidence))]


def _database(url: str | None, name: str, folder: Path) -> Runtime:
    from moderation.db import make_engine
    from moderation.migrate import upgrade
    from moderation.runtime import Runtime

    url = url or f"sqlite:///{folder / name}.db"
    upgrade(url)
    return Runtime.build(bind=make_engine(url))


def run_direction(direction: str, *, alerts_path: Path, offers: Sequence[BuiltOffer],
                  url: str | None, folder: Path) -> dict[str, Any]:
    """Run one direction on a fresh database; the (alert number, marketplace id) matches."""
    from moderation.safety.matching import match_alert

    runtime = _database(url, f"direction_{direction}", folder)
    factory = runtime.sessionmaker
    started = time.perf_counter()
    if direction == "A":
        numbers = _import_alerts(factory, alerts_path)
        ids = _ingest(factory, offers)
        t0 = time.perf_counter()
        _screen(runtime)
        matching_s = time.perf_counter() - t0
    else:
        ids = _ingest(factory, offers)
        _screen(runtime)
        numbers = _import_alerts(factory, alerts_path)
        t0 = time.perf_counter()
        for alert_id in sorted(numbers):
            with factory() as session:
                match_alert(session, alert_id, learned=runtime.screener.matcher)
                session.commit()
        matching_s = time.perf_counter() - t0
    by_id = {oid: mid for mid, oid in ids.items()}
    found = [(numbers[a], by_id[o], c) for a, o, c in _matches(factory) if o in by_id]
    return {"matches": found, "seconds": time.perf_counter() - started,
            "matching_seconds": matching_s}


def score(offers: Sequence[BuiltOffer], products: Sequence[SellerProduct],
          alerts: dict[str, AlertText], matches: Sequence[tuple[str, str, str]]
          ) -> dict[str, Any]:
    """Recall on positives, false matches on the rest, per form and per kind.

    A positive matched by an alert naming its brand and model is right, whichever alert it
    was built from (several alerts list "BR177" or "628 02"), and so is one matched by an
    alert of its brand naming a code the offer names too ("BMW Z4 G29" and an alert for the
    Z4 among others); by any other alert, it is a false match.
    """
    product_of = {p.number: p for p in products}
    matched: dict[str, set[str]] = defaultdict(set)
    confidence: dict[tuple[str, str], str] = {}
    for number, mid, conf in matches:
        matched[mid].add(number)
        confidence[(number, mid)] = conf
    by_kind: Counter[str] = Counter(o.kind for o in offers)
    held = Counter[str]()
    held_high = Counter[str]()
    wrong = 0
    per_form: dict[str, Counter[str]] = defaultdict(Counter)
    alerts_all: dict[str, bool] = {}
    alerts_any: dict[str, bool] = {}
    false_examples: list[dict[str, Any]] = []
    for offer in offers:
        numbers = matched.get(offer.marketplace_id, set())
        if offer.kind == "positive":
            product = product_of[offer.alert_number]
            named = codes_in(f"{offer.title} {offer.description}")
            own = {n for n in numbers if n == offer.alert_number
                   or alerts[n].names(product.brand, product.model)
                   or (plain(product.brand) in alerts[n].brands and named & alerts[n].codes)}
            hit = bool(own)
            form = f"{offer.form}{'' if offer.brand else ' (no brand field)'}"
            per_form[form]["offers"] += 1
            per_form[form]["held"] += hit
            held["positive"] += hit
            held_high["positive"] += any(confidence[(n, offer.marketplace_id)] == "high"
                                         for n in own)
            alerts_all[offer.alert_number] = alerts_all.get(offer.alert_number, True) and hit
            alerts_any[offer.alert_number] = alerts_any.get(offer.alert_number, False) or hit
            if numbers - own:
                wrong += 1
                false_examples.append({"offer": offer.title, "kind": "positive, other alert",
                                       "alerts": sorted(numbers - own)})
        elif numbers:
            held[offer.kind] += 1
            held_high[offer.kind] += any(confidence[(n, offer.marketplace_id)] == "high"
                                         for n in numbers)
            false_examples.append({"offer": offer.title, "brand": offer.brand,
                                   "kind": offer.kind, "alerts": sorted(numbers)})
    negatives = by_kind["sibling"] + by_kind["lawful"]
    false_total = held["sibling"] + held["lawful"]
    return {
        "offers": dict(by_kind), "alerts_with_offers": len(products),
        "recall": held["positive"] / by_kind["positive"] if by_kind["positive"] else 0.0,
        "recall_high": held_high["positive"] / by_kind["positive"] if by_kind["positive"]
        else 0.0,
        "alerts_all_forms_matched": sum(alerts_all.values()),
        "alerts_any_form_matched": sum(alerts_any.values()),
        "siblings_matched": held["sibling"], "lawful_matched": held["lawful"],
        "lawful_matched_high": held_high["lawful"],
        "false_matches": false_total,
        "false_per_1000": 1000 * false_total / negatives if negatives else 0.0,
        "positives_matched_by_another_alert": wrong,
        "per_form": {f: c["held"] / c["offers"] for f, c in sorted(per_form.items())},
        "false_examples": false_examples[:60],
    }


def agreement(a: Sequence[tuple[str, str, str]], b: Sequence[tuple[str, str, str]]
              ) -> dict[str, int]:
    """How many (alert, offer) pairs each direction found that the other did not."""
    pairs_a, pairs_b = {(n, m) for n, m, _ in a}, {(n, m) for n, m, _ in b}
    return {"both": len(pairs_a & pairs_b), "only_A": len(pairs_a - pairs_b),
            "only_B": len(pairs_b - pairs_a)}


def _print(result: dict[str, Any], label: str) -> None:
    s = result["score"]
    print(f"\n== direction {label} ({result['seconds']:.0f} s, matching "
          f"{result['matching_seconds']:.1f} s)")
    print(f"recall: {s['recall']:.3f} of {s['offers'].get('positive', 0)} seller-written offers "
          f"(sure matches alone: {s['recall_high']:.3f}); alerts with every form matched "
          f"{s['alerts_all_forms_matched']}/{s['alerts_with_offers']}, with any "
          f"{s['alerts_any_form_matched']}/{s['alerts_with_offers']}")
    print(f"false matches: {s['false_matches']} of {s['offers'].get('sibling', 0)} siblings + "
          f"{s['offers'].get('lawful', 0)} lawful listings = {s['false_per_1000']:.2f} per 1,000 "
          f"(siblings {s['siblings_matched']}, lawful {s['lawful_matched']}, of which sure "
          f"{s['lawful_matched_high']}); positives also matched by another product's alert: "
          f"{s['positives_matched_by_another_alert']}")
    print("recall per form: " + ", ".join(f"{f} {v:.2f}" for f, v in s["per_form"].items()))
    for example in s["false_examples"][:12]:
        print(f"  false: {example}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--alerts", type=Path, default=DEFAULT_ALERTS)
    parser.add_argument("--flipkart", type=Path, default=DEFAULT_FLIPKART)
    parser.add_argument("--polish", type=Path, default=DEFAULT_POLISH)
    parser.add_argument("--lawful-limit", type=int, default=None)
    parser.add_argument("--database-url", default=None,
                        help="an empty database per direction is needed: give a URL "
                             "template with {direction}, e.g. sqlite:////tmp/eval_{direction}.db")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args(argv)

    from moderation.safety.safety_gate_files import parse_bytes

    parsed = parse_bytes(args.alerts.read_bytes(), suffix=args.alerts.suffix)
    products = seller_products(parsed.alerts)
    texts = {a.number: AlertText.of(a) for a in parsed.alerts}
    offers = build_offers(products, list(texts.values()),
                          flipkart=args.flipkart if args.flipkart.exists() else None,
                          polish=args.polish if args.polish.exists() else None,
                          lawful_limit=args.lawful_limit)
    print(f"{len(parsed.alerts)} alerts, {len(products)} name a brand and a model; "
          f"{len(offers)} offers: {dict(Counter(o.kind for o in offers))}; "
          f"forms: {', '.join(FORMS)}; sibling models e.g. "
          f"{products[0].model} -> {sibling_model(products[0].model)}")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for direction in ("A", "B"):
            url = args.database_url.format(direction=direction) if args.database_url else None
            outcome = run_direction(direction, alerts_path=args.alerts, offers=offers, url=url,
                          folder=Path(folder))
            outcome["score"] = score(offers, products, texts, outcome["matches"])
            results[direction] = outcome
            _print(outcome, direction)
    same = agreement(results["A"]["matches"], results["B"]["matches"])
    print(f"\n(alert, offer) pairs found by both directions: {same['both']}, only by A: "
          f"{same['only_A']}, only by B: {same['only_B']}")
    summary = {d: results[d]["score"] for d in results} | {"agreement": same}
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    return summary


if __name__ == "__main__":
    main()
