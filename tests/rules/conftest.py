"""Helpers for rule tests: build a RuleSet from a pack written inline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from rules.engine import RuleSet
from rules.loader import load_ruleset, parse_rules
from rules.types import Hit, OfferText


def rule(when: Any, rule_id: str = "t.rule", **extra: Any) -> dict[str, Any]:
    """A valid rule dict around a condition, with one harmless example each way."""
    out = {
        "id": rule_id,
        "description": "test rule",
        "severity": "high",
        "outcome": "review",
        "priority": 2,
        "reason_code": "TEST",
        "statement_category": "STATEMENT_CATEGORY_SCAMS_AND_FRAUD",
        "when": when,
        "examples": {"match": [{"title": "x"}], "no_match": [{"title": "y"}]},
    }
    out.update(extra)
    return out


def pack(*rules: dict[str, Any], name: str = "test") -> dict[str, Any]:
    return {"pack": name, "version": 1, "rules": list(rules)}


def ruleset_of(*rules: dict[str, Any]) -> RuleSet:
    return RuleSet(parse_rules(pack(*rules), "test.yaml"), "test")


@pytest.fixture
def hits_for() -> Callable[..., list[Hit]]:
    """hits_for(condition, offer or title) -> hits of a one-rule set."""

    def run(when: Any, offer: OfferText | str) -> list[Hit]:
        ruleset = ruleset_of(rule(when))
        return ruleset.evaluate(OfferText(title=offer) if isinstance(offer, str) else offer)

    return run


@pytest.fixture(scope="session")
def shipped() -> RuleSet:
    """The packs in rules/packs, loaded once."""
    return load_ruleset()
