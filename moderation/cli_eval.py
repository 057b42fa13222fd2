"""`moderation eval ...`: evaluations anyone can rerun on the shared data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

eval_app = typer.Typer(help="Evaluations anyone can rerun.", no_args_is_help=True)
console = Console(stderr=True)
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


@eval_app.command("matching")
def eval_matching(
    files: list[Path],
    matcher: Annotated[str, typer.Option(help="learned (models/matching) or rules (the "
                                              "keys and rapidfuzz that open safety cases)")]
    = "learned",
    bundle: Annotated[Path | None, typer.Option(help="A matcher bundle directory.")] = None,
) -> None:
    """Precision, recall and F1 of a product matcher on labelled pairs (DeepMatcher format)."""
    from models.matching.evaluate import evaluate_file
    from models.matching.records import dataset_name, read_pairs
    from moderation.config import get_settings
    from moderation.safety.evaluation import evaluate_rules
    from moderation.safety.judge import LearnedMatcher

    learned = LearnedMatcher(signing_key=get_settings().model_signing_key.encode())

    table = Table(title=f"{matcher} matcher")
    for column in ("file", "pairs", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "file" else "right")
    for path in files:
        if matcher == "rules":
            result = evaluate_rules(read_pairs(path, source=dataset_name(path)),
                                    learned=learned)
        elif matcher == "learned":
            result = evaluate_file(path, bundle)
        else:
            raise typer.BadParameter("learned or rules", param_hint="--matcher")
        table.add_row(path.name, str(result.get("labelled", result.get("pairs"))),
                      f"{100 * result['precision']:.1f}", f"{100 * result['recall']:.1f}",
                      f"{100 * result['f1']:.1f}")
    console.print(table)


def _existing(path: Path | None, default: Path) -> Path | None:
    chosen = path or default
    return chosen if chosen.exists() else None


@eval_app.command("screening")
def eval_screening(
    listings: Annotated[Path | None, typer.Option(
        help="Folder of real shop feeds (default ../shared/data/polish-listings).")] = None,
    flipkart: Annotated[Path | None, typer.Option(
        help="Flipkart titles CSV; rows 5000.. are held out (default "
             "../shared/data/benign-listings/flipkart_titles_a.csv).")] = None,
    shop: Annotated[list[str] | None, typer.Option(
        help="Shops to evaluate (default: those the model bundle held out).")] = None,
    per_family: Annotated[int, typer.Option(help="Injected positives per family.")] = 200,
    show: Annotated[int, typer.Option(help="Flagged lawful offers to print per source.")] = 5,
    out: Annotated[Path | None, typer.Option(help="Write everything as JSON here.")] = None,
) -> None:
    """Rules + classifier + policy on real lawful listings of shops training never saw."""
    from moderation.config import get_settings
    from moderation.screening.evaluation import evaluate
    from moderation.screening.screener import Screener

    listings_dir = _existing(listings, SHARED / "polish-listings")
    flipkart_csv = _existing(flipkart, SHARED / "benign-listings" / "flipkart_titles_a.csv")
    if listings_dir is None and flipkart_csv is None:
        console.print("[red]no listings: give --listings and/or --flipkart")
        raise typer.Exit(1)
    result = evaluate(Screener(get_settings()), listings_dir=listings_dir,
                      flipkart_csv=flipkart_csv, held_out=shop or None, per_family=per_family)
    _print_screening(result, show)
    if out is not None:
        out.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")


def _print_screening(result: dict[str, Any], show: int) -> None:
    console.print(f"rules {result['rules_version']}, model {result['model_version']} "
                  f"(review at score >= {result['review_threshold']:.4f})")
    table = Table(title="real lawful listings of held-out sources")
    for column in ("source", "listings", "to review", "by rules", "by model", "blocked"):
        table.add_column(column, justify="left" if column == "source" else "right")
    for r in result["sources"]:
        table.add_row(r["source"], str(r["listings"]), f"{100 * r['review_share']:.2f}%",
                      str(r["review_by_rules"]), str(r["review_by_model"]),
                      f"{100 * r['block_share']:.2f}%")
    console.print(table)
    everything = result["all_lawful"]
    console.print(f"all lawful (medicines apart): {everything['listings']} listings, "
                  f"{100 * everything['review_share']:.2f}% to review, "
                  f"{everything['blocked']} blocked")
    for r in result["sources"]:
        for item in r["flagged"][:show]:
            console.print(f"  {r['source']}: {item['route']} {item['reason']} "
                          f"{item['score']:.3f} {item['title'][:70]!r} {item['rules']} "
                          f"{item['features']}", markup=False, highlight=False)
    recall = Table(title="injected positives in held-out listings (caught = not allowed)")
    for column in ("family / words", "offers", "caught", "by model alone"):
        recall.add_column(column, justify="left" if column.startswith("family") else "right")
    for name, row in result["injected"].items():
        recall.add_row(name, str(row["offers"]), f"{100 * row['caught']:.1f}%",
                       str(row["by_model_only"]))
    console.print(recall)
