"""Feedback screening: comments screened per second, against offers screened by the same
engine in the same run, and the share of real lawful Polish text the feedback pack holds.

    .venv/bin/python benchmarks/bench_feedback.py [PATH] [--repeat 5] [--show 3] [--json OUT]
        PATH: the Polish shop listings (default /work/shared/data/polish-listings)

There is no real buyers' feedback to measure on. The lawful text is therefore the sentences
of the shops' descriptions (20 to 300 characters, at least three words, each distinct
sentence once per shop): real Polish prose the pack was not written from, standing in for
comments. Every sentence is lawful, so every hold is a false hold; but shops write their
own contact details, addresses and links into descriptions, which in a buyer's comment
would rightly be held, so read the examples (--show) before reading the share as the pack's
error. It says nothing of how many abusive comments the pack catches (tests/rules/
test_feedback_pack.py holds that table, in our own words).

Speed: the comments (the sentences) with the feedback pack, and the shops' offers (title
and description) with the offer packs, one core, `evaluate` one by one as the service
calls it; the median of --repeat warm passes after one cold pass each. The shops' text is
read from PATH and never copied into the repository.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules.comments import comment_text, load_comment_ruleset
from rules.engine import RuleSet
from rules.loader import load_ruleset
from rules.types import OfferText

DEFAULT_PATH = Path("/work/shared/data/polish-listings")
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def read_shop(path: Path) -> tuple[list[OfferText], list[str]]:
    """A shop's offers and the distinct sentences of its descriptions."""
    offers: list[OfferText] = []
    sentences: dict[str, None] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            description = row.get("description") or ""
            offers.append(OfferText(title=row["title"], description=description,
                                    category=row.get("category") or None,
                                    brand=row.get("brand") or None))
            for sentence in SENTENCE_END.split(description):
                sentence = sentence.strip()
                if 20 <= len(sentence) <= 300 and len(sentence.split()) >= 3:
                    sentences[sentence] = None
    return offers, list(sentences)


def rate(items: Sequence[OfferText], rules: RuleSet, repeat: int) -> tuple[float, float]:
    """Items per second: the cold first pass and the median of the warm ones."""
    def one_pass() -> float:
        start = time.perf_counter()
        for item in items:
            rules.evaluate(item)
        return len(items) / (time.perf_counter() - start)
    cold = one_pass()
    return cold, statistics.median(one_pass() for _ in range(repeat))


def held_share(shops: dict[str, list[str]], rules: RuleSet, show: int,
               say: Callable[[str], None]) -> dict[str, object]:
    """Per shop, the share of sentences the pack would hold, and the hits per rule."""
    per_shop: dict[str, dict[str, float]] = {}
    per_rule: Counter[str] = Counter()
    examples: dict[str, list[str]] = {}
    total = held = 0
    for shop, sentences in shops.items():
        n = 0
        for sentence in sentences:
            hits = rules.evaluate(comment_text(sentence))
            if not hits:
                continue
            n += 1
            for hit in hits:
                per_rule[hit.rule_id] += 1
                shown = examples.setdefault(hit.rule_id, [])
                if len(shown) < show:
                    words = "; ".join(s.text for s in hit.spans)
                    shown.append(f"{shop}: [{words}] {sentence[:160]}")
        per_shop[shop] = {"sentences": len(sentences), "held": n,
                          "share": n / len(sentences) if sentences else 0.0}
        total += len(sentences)
        held += n
    say(f"\nheld: {held} of {total} lawful sentences ({held / total:.3%})")
    for shop, row in sorted(per_shop.items(), key=lambda kv: -kv[1]["share"]):
        say(f"  {shop:24} {int(row['held']):5} / {int(row['sentences']):6}  {row['share']:.3%}")
    say("per rule:")
    for rule_id, n in per_rule.most_common():
        say(f"  {rule_id:28} {n:5}")
        for line in examples.get(rule_id, []):
            say(f"      {line}")
    return {"sentences": total, "held": held, "share": held / total if total else 0.0,
            "per_shop": per_shop, "per_rule": dict(per_rule)}


def main(argv: Sequence[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--show", type=int, default=0, help="held sentences to print per rule")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    files = sorted(args.path.glob("*.csv")) if args.path.is_dir() else [args.path]
    offers: list[OfferText] = []
    shops: dict[str, list[str]] = {}
    for path in files:
        shop_offers, sentences = read_shop(path)
        offers += shop_offers
        shops[path.stem] = sentences
    comments = [comment_text(s) for sentences in shops.values() for s in sentences]
    feedback_rules, offer_rules = load_comment_ruleset(), load_ruleset()
    print(f"{len(files)} shops: {len(offers)} offers, {len(comments)} distinct sentences "
          f"(median {statistics.median(len(c.title) for c in comments):.0f} characters)")
    print(f"feedback pack {feedback_rules.version} ({len(feedback_rules.rules)} rules); "
          f"offer packs {offer_rules.version} ({len(offer_rules.rules)} rules)")

    comments_cold, comments_warm = rate(comments, feedback_rules, args.repeat)
    offers_cold, offers_warm = rate(offers, offer_rules, args.repeat)
    print(f"comments/s, feedback pack: {comments_warm:,.0f} (cold {comments_cold:,.0f})")
    print(f"offers/s, offer packs:     {offers_warm:,.0f} (cold {offers_cold:,.0f})")
    print(f"comments per offer's time: {comments_warm / offers_warm:.1f}x")
    result: dict[str, object] = {
        "comments_per_second": comments_warm, "offers_per_second": offers_warm,
        "repeat": args.repeat, "feedback_rules": feedback_rules.version,
        "offer_rules": offer_rules.version,
        "held": held_share(shops, feedback_rules, args.show, print)}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
