"""Product matcher: train on the benchmarks' train splits, threshold and measure on validation.

    .venv/bin/python -m benchmarks.eval_matching [--data DIR] [--out DIR] [--seed N]
        [--repeats N] [--per-dataset]

Trains one matcher on the union of the Walmart-Amazon, Amazon-Google and Abt-Buy train splits,
chooses thresholds on their validation splits, saves the signed bundle (default
`models/matching/bundle/`), and prints per data set precision, recall and F1 on validation next
to the published test-split F1 of Magellan and Ditto. Because that threshold is chosen on the
pairs it is measured on, it also prints an honest estimate: each validation set split in two
seeded, label-stratified halves, the threshold chosen on one half and F1 measured on the other,
both ways, averaged over `--repeats` splits (one threshold for all data sets, as the bundle has;
and, for comparison, one per data set). `--per-dataset` also trains one model per data set
for comparison. Throughput is pairs scored per second on one core (features and model, from
parsed records, normalisation caches cleared), best of three passes over all validation pairs,
in wall-clock and in CPU seconds, with the load average (the machine may be shared).
"""

from __future__ import annotations

import os
import sys

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"
# Run as a script, the repository root is not on the path.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from models.matching.evaluate import evaluate, half_split_estimate  # noqa: E402
from models.matching.model import (  # noqa: E402
    DEFAULT_BUNDLE_DIR,
    MatcherBundle,
    f1_threshold,
    load_matcher,
    save_matcher,
    train,
)
from models.matching.normalise import fold_text, normalise_brand  # noqa: E402
from models.matching.records import Pair, read_pairs  # noqa: E402

DEFAULT_DATA = Path("/work/shared/data/product-matching")
DATASETS = (("Walmart-Amazon", "Structured"), ("Amazon-Google", "Structured"),
            ("Abt-Buy", "Textual"))
# Test-split F1 as published in the Ditto paper (Li et al., VLDB 2021).
PUBLISHED = {"Walmart-Amazon": (71.9, 86.76), "Amazon-Google": (49.1, 75.58),
             "Abt-Buy": (43.6, 89.33)}


def load(data: Path) -> tuple[dict[str, list[Pair]], dict[str, list[Pair]]]:
    """Train and validation pairs per data set."""
    train_sets, valid_sets = {}, {}
    for name, kind in DATASETS:
        train_sets[name] = read_pairs(data / f"er_magellan_{kind}_{name}_train.txt")
        valid_sets[name] = read_pairs(data / f"er_magellan_{kind}_{name}_valid.txt")
    return train_sets, valid_sets


def labels_of(pairs: Sequence[Pair]) -> np.ndarray:
    """0/1 labels of labelled pairs."""
    return np.array([p.label for p in pairs], dtype=np.int8)


def throughput(bundle: MatcherBundle, pairs: Sequence[Pair],
               passes: int = 3) -> tuple[float, float]:
    """Pairs scored per wall-clock second and per CPU second, best of `passes`, cold caches."""
    # CPU seconds are this process's own: on a shared machine they are the steadier figure.
    wall = cpu = float("inf")
    for _ in range(passes):
        fold_text.cache_clear()
        normalise_brand.cache_clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        bundle.score(pairs)
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return len(pairs) / wall, len(pairs) / max(cpu, 1e-9)


def per_dataset_models(train_sets: dict[str, list[Pair]], valid_sets: dict[str, list[Pair]], *,
                       seed: int, repeats: int) -> dict[str, dict[str, float]]:
    """Validation F1 (best threshold) and honest F1 of one model per data set."""
    out = {}
    for name in train_sets:
        bundle = train(train_sets[name], valid_sets[name], seed=seed)
        labels, scores = labels_of(valid_sets[name]), bundle.score(valid_sets[name])
        out[name] = {"f1": f1_threshold(labels, scores)["f1"],
                     "honest": half_split_estimate(labels, scores, seed=seed,
                                                   repeats=repeats)["f1"]}
    return out


def pct(value: float | None) -> str:
    """A share as a percentage with one decimal, or a dash."""
    return "-" if value is None else f"{100 * value:5.1f}"


def report(bundle: MatcherBundle, valid_sets: dict[str, list[Pair]], *, seed: int, repeats: int,
           per_dataset: dict[str, dict[str, float]] | None) -> dict[str, Any]:
    """Print the comparison table; return the figures."""
    all_valid = [p for pairs in valid_sets.values() for p in pairs]
    result = evaluate(bundle, all_valid)
    scores = bundle.score(all_valid)
    labels = labels_of(all_valid)
    sources = np.array([p.source for p in all_valid])
    honest = half_split_estimate(labels, scores, groups=sources, seed=seed, repeats=repeats)
    header = (f"{'data set':<15} {'pairs':>5} {'pos':>4} | {'P':>5} {'R':>5} {'F1':>5} | "
              f"{'honest F1':>12} {'(P / R)':>13} | {'own thr':>7} | "
              + (f"{'per-set model':>13} | " if per_dataset else "")
              + f"{'Magellan':>8} {'Ditto':>6}")
    print(header)
    print("-" * len(header))
    own: dict[str, float] = {}
    for name in valid_sets:
        m = result["by_source"][name]
        h = honest["by_group"][name]
        mask = sources == name
        own[name] = half_split_estimate(labels[mask], scores[mask], seed=seed,
                                        repeats=repeats)["f1"]
        magellan, ditto = PUBLISHED[name]
        extra = ""
        if per_dataset:
            extra = f"{pct(per_dataset[name]['f1'])} /{pct(per_dataset[name]['honest'])} | "
        print(f"{name:<15} {m['n']:>5} {m['positives']:>4} | {pct(m['precision'])} "
              f"{pct(m['recall'])} {pct(m['f1'])} | {pct(h['f1'])} ±{pct(h['f1_std'])} "
              f"({pct(h['precision'])}/{pct(h['recall'])}) | {pct(own[name]):>7} | "
              f"{extra}{magellan:>8.1f} {ditto:>6.2f}")
    m = result
    print(f"{'all':<15} {m['labelled']:>5} {m['positives']:>4} | {pct(m['precision'])} "
          f"{pct(m['recall'])} {pct(m['f1'])} | {pct(honest['f1'])} ±{pct(honest['f1_std'])} "
          f"({pct(honest['precision'])}/{pct(honest['recall'])}) |")
    print()
    print(f"P, R, F1: validation, at the bundle's threshold ({bundle.threshold:.3f}, one for all "
          "data sets, chosen on these same pairs: optimistic).")
    print("honest F1: the threshold chosen on one half of all validation pairs (halves stratified "
          f"by data set and label), measured on the other half, both ways, {repeats} seeded "
          "splits: mean ± std.")
    print("own thr: the same, but each data set's threshold chosen on its own half.")
    if per_dataset:
        print("per-set model: one model per data set instead of one for all "
              "(validation F1 at its best threshold / honest F1 with its own threshold).")
    print("Magellan, Ditto: published F1 on the held-back TEST splits (Ditto paper, VLDB 2021).")
    return {"validation": result, "honest": honest, "honest_own_threshold": own}


def main(argv: Sequence[str] | None = None) -> None:
    """Train, save, evaluate and print."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_BUNDLE_DIR)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=10,
                        help="seeded half splits for the honest estimate")
    parser.add_argument("--per-dataset", action="store_true",
                        help="also train one model per data set, for comparison")
    args = parser.parse_args(argv)

    train_sets, valid_sets = load(args.data)
    train_pairs = [p for pairs in train_sets.values() for p in pairs]
    valid_pairs = [p for pairs in valid_sets.values() for p in pairs]
    print(f"train {len(train_pairs)} pairs, validation {len(valid_pairs)} pairs")
    start = time.perf_counter()
    bundle = train(train_pairs, valid_pairs, seed=args.seed)
    trained = time.perf_counter() - start
    save_matcher(bundle, args.out)
    size = sum(f.stat().st_size for f in args.out.iterdir() if f.is_file())
    bundle = load_matcher(args.out)  # measure what was saved, through the verified load path
    print(f"trained in {trained:.1f} s; bundle {bundle.version} at {args.out} "
          f"({size / 1e6:.2f} MB)")
    print()
    per_dataset = (per_dataset_models(train_sets, valid_sets, seed=args.seed,
                                      repeats=args.repeats) if args.per_dataset else None)
    report(bundle, valid_sets, seed=args.seed, repeats=args.repeats, per_dataset=per_dataset)
    start = time.perf_counter()
    for name, kind in DATASETS:
        read_pairs(args.data / f"er_magellan_{kind}_{name}_valid.txt")
    parsed = len(valid_pairs) / (time.perf_counter() - start)
    print()
    wall, cpu = throughput(bundle, valid_pairs)
    print(f"throughput, one core: {wall:,.0f} pairs/s scored ({cpu:,.0f} per CPU second; "
          f"features + model, {len(valid_pairs)} validation pairs, cold caches); "
          f"parsing the files: {parsed:,.0f} pairs/s; load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
