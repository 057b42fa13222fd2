# %% [markdown]
# # Screening quality: false positives on lawful listings, catch rate under obfuscation
#
# Usage: `.venv/bin/python notebooks/screening_quality.py [PATH_TO_flipkart_titles_a.csv]`
# (default `../shared/data/benign-listings/flipkart_titles_a.csv`). Rows 0..3999 of that
# file trained the classifier, so only rows 4000.. are counted here.

# %%
import csv
import random
import sys
from collections import Counter
from pathlib import Path

from benchmarks.evasion import BRANDS, TECHNIQUES, TEMPLATES, markers
from moderation.screening.screener import Screener
from rules.types import OfferText

ROOT = Path(__file__).resolve().parent.parent
BENIGN = Path(sys.argv[1]) if len(sys.argv) > 1 else (
    ROOT.parent / "shared/data/benign-listings/flipkart_titles_a.csv")
HELD_OUT_FROM = 4000
screener = Screener()

# %% Lawful listings: what share goes to review, what share is blocked?
with BENIGN.open(encoding="utf-8") as fh:
    rows = list(csv.DictReader(fh))[HELD_OUT_FROM:]
texts = [OfferText(title=r["product_name"], brand=r.get("brand") or None) for r in rows]
routes: Counter[str] = Counter()
flagged = []
for i in range(0, len(texts), 500):
    _, assessments = screener.assess(texts[i:i + 500])
    for text, a in zip(texts[i:i + 500], assessments, strict=True):
        routes[a.route.value] += 1
        if a.route.value != "allow":
            flagged.append((a.route.value, a.reason_code, round(a.score.value, 3), text.title))
n = len(texts)
print(f"lawful listings: {n}")
for route in ("allow", "review", "block"):
    print(f"  {route:<6} {routes[route]:>5}  {100 * routes[route] / n:.2f}%")
for item in flagged[:20]:
    print("   ", item)

# %% Obfuscated markers against plain ones, through rules + classifier together
rnd = random.Random(7)
cases = [(m, t, rnd.choice(BRANDS)) for m in markers() for t in TEMPLATES]


def caught_share(titles: list[str]) -> float:
    _, assessments = screener.assess([OfferText(title=t) for t in titles])
    return sum(a.route.value != "allow" for a in assessments) / len(titles)


plain_rate = caught_share([t.format(brand=b, marker=m) for m, t, b in cases])
print(f"plain markers caught: {plain_rate:.3f} of {len(cases)} titles")
for name, technique in TECHNIQUES.items():
    trnd = random.Random(f"7:{name}")
    rate = caught_share([t.format(brand=b, marker=technique(m, trnd)) for m, t, b in cases])
    print(f"  {name:<24} {rate:.3f}  ratio to plain {rate / plain_rate:.3f}")
