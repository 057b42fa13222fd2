"""Runs every rule's must-match and must-not-match examples."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.engine import RuleSet
from rules.offer_dict import offer_from_dict


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    """An example that did not do what its rule promised."""

    rule_id: str
    file: str
    example: dict[str, Any]
    expected: str  # "match" or "no_match"
    got: str  # "no hit", or the hit's evidence

    def __str__(self) -> str:
        return (f"{self.file}: {self.rule_id}: expected {self.expected}, got {self.got}: "
                f"{self.example.get('title')!r}")


def run_examples(ruleset: RuleSet) -> list[ExampleFailure]:
    """Evaluate every example against the whole set; return the ones that fail."""
    failures = []
    for rule in ruleset.rules:
        for expected, items in (("match", rule.examples.match),
                                ("no_match", rule.examples.no_match)):
            for item in items:
                hit = next((h for h in ruleset.evaluate(offer_from_dict(item))
                            if h.rule_id == rule.id), None)
                if (hit is not None) == (expected == "match"):
                    continue
                got = "no hit" if hit is None else "hit: " + (
                    ", ".join(f"{s.field} {s.text!r}" for s in hit.spans) or hit.detail)
                failures.append(ExampleFailure(rule.id, rule.source, item, expected, got))
    return failures
