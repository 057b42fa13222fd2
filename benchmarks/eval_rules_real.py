"""Rules alone on real lawful listings: per shop, the share each pack and rule sends to review or
blocks, with examples to read.

    .venv/bin/python benchmarks/eval_rules_real.py PATH... [--rules DIR] [--show 3]
        [--pack claims] [--json OUT]
    e.g. .venv/bin/python benchmarks/eval_rules_real.py /work/shared/data/polish-listings \\
             /work/shared/data/benign-listings/flipkart_titles_a.csv

A PATH is a CSV file or a directory of them (each file is one shop). Two layouts are read:
the Polish shop listings (source, offer_id, title, description, brand, category, price_pln,
gtin) and the Flipkart titles (product_name, brand, retail_price in INR, converted to PLN).
Every listing in these files is lawful, so every review or block is a false positive (a
marketplace may still want medicines in a pharmacy feed reviewed: read the examples).

The shop text is read from the given path and never copied into the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules.engine import RuleSet
from rules.loader import load_ruleset
from rules.types import Hit, OfferText, Outcome

INR_TO_PLN = 0.047  # fixed rate: the price rules only need the order of magnitude


def _price(value: str | None, rate: float = 1.0) -> float | None:
    try:
        return float((value or "").replace(",", ".")) * rate
    except ValueError:
        return None


def read_listings(path: Path) -> Iterator[OfferText]:
    """Offers of one CSV file, in either layout."""
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if "product_name" in row:  # Flipkart
                price = _price(row.get("retail_price"), INR_TO_PLN)
                yield OfferText(title=row["product_name"] or "", brand=row.get("brand") or None,
                                price=price, currency="PLN" if price is not None else None)
                continue
            price = _price(row.get("price_pln"))
            gtin = (row.get("gtin") or "").strip()
            yield OfferText(title=row.get("title") or "", description=row.get("description") or "",
                            category=row.get("category") or None,
                            brand=row.get("brand") or None, price=price,
                            currency="PLN" if price is not None else None,
                            gtins=(gtin,) if gtin else ())


def shop_files(paths: list[str]) -> list[Path]:
    """Every CSV named or inside a named directory, sorted."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        out.extend(sorted(p.glob("*.csv")) if p.is_dir() else [p])
    return out


@dataclass
class ShopResult:
    name: str
    n: int = 0
    review: int = 0
    block: int = 0
    per_rule: Counter[str] = field(default_factory=Counter)
    per_pack_review: Counter[str] = field(default_factory=Counter)
    per_pack_block: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _evidence(offer: OfferText, hit: Hit) -> str:
    words = " | ".join(dict.fromkeys(s.text for s in hit.spans))[:80]
    return f"{offer.title[:70]!r} <{words}>" + (f" {hit.detail}" if hit.detail else "")


def evaluate_shop(ruleset: RuleSet, name: str, offers: list[OfferText], show: int,
                  only_pack: str | None) -> ShopResult:
    pack_of = {r.id: r.pack for r in ruleset.rules}
    result = ShopResult(name, n=len(offers))
    for offer, hits in zip(offers, ruleset.evaluate_many(offers), strict=True):
        if only_pack:
            hits = [h for h in hits if pack_of[h.rule_id] == only_pack]
        outcomes = {h.outcome for h in hits}
        result.block += Outcome.BLOCK in outcomes
        result.review += Outcome.REVIEW in outcomes and Outcome.BLOCK not in outcomes
        for pack in {pack_of[h.rule_id] for h in hits if h.outcome is Outcome.REVIEW}:
            result.per_pack_review[pack] += 1
        for pack in {pack_of[h.rule_id] for h in hits if h.outcome is Outcome.BLOCK}:
            result.per_pack_block[pack] += 1
        for h in hits:
            if h.outcome is Outcome.ALLOW:
                continue
            result.per_rule[h.rule_id] += 1
            if len(result.examples[h.rule_id]) < show:
                result.examples[h.rule_id].append(_evidence(offer, h))
    return result


def report(ruleset: RuleSet, results: list[ShopResult]) -> None:
    outcome_of = {r.id: r.outcome.value for r in ruleset.rules}
    print(f"{ruleset}: {len(ruleset.rules)} rules")
    print(f"{'shop':<28} {'listings':>8} {'review':>14} {'block':>10}   by pack (review/block)")
    for r in results:
        packs = sorted(set(r.per_pack_review) | set(r.per_pack_block))
        by_pack = ", ".join(f"{p} {r.per_pack_review[p]}/{r.per_pack_block[p]}" for p in packs)
        print(f"{r.name:<28} {r.n:>8} {r.review:>6} {r.review / max(r.n, 1):>7.2%} "
              f"{r.block:>4} {r.block / max(r.n, 1):>5.2%}   {by_pack}")
    total = sum(r.n for r in results)
    review = sum(r.review for r in results)
    block = sum(r.block for r in results)
    print(f"{'all':<28} {total:>8} {review:>6} {review / max(total, 1):>7.2%} "
          f"{block:>4} {block / max(total, 1):>5.2%}")
    for r in results:
        if not r.per_rule:
            continue
        print(f"\n{r.name} ({r.n} listings)")
        for rule_id, count in r.per_rule.most_common():
            print(f"  {rule_id:<52} {outcome_of[rule_id]:<6} {count:>5} ({count / r.n:.2%})")
            for example in r.examples[rule_id]:
                print(f"      {example}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="CSV files or directories of them")
    parser.add_argument("--rules", help="pack directory (default rules/packs)")
    parser.add_argument("--pack", help="count only the hits of this pack")
    parser.add_argument("--show", type=int, default=3, help="examples to print per rule")
    parser.add_argument("--json", help="also write the figures per shop as JSON here")
    args = parser.parse_args()
    ruleset = load_ruleset(Path(args.rules) if args.rules else None)
    results = []
    for path in shop_files(args.paths):
        offers = list(read_listings(path))
        results.append(evaluate_shop(ruleset, path.stem, offers, args.show, args.pack))
    report(ruleset, results)
    if args.json:
        Path(args.json).write_text(json.dumps(
            {"ruleset": ruleset.version,
             "shops": [{"shop": r.name, "listings": r.n, "review": r.review, "block": r.block,
                        "per_rule": dict(r.per_rule)} for r in results]},
            indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
