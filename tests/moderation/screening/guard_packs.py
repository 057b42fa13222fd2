"""Small rule packs written to a temporary RULES_DIR, for the flood guard and shadow tests."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

CATEGORY = "STATEMENT_CATEGORY_SCOPE_OF_PLATFORM_SERVICE"
PLAIN_TITLE = "Rower górski Kross Hexagon 7.0 rama 19 cali"


def rule(rule_id: str, phrase: str, *, outcome: str = "review") -> dict[str, object]:
    """A rule that flags offers whose title holds one phrase."""
    data: dict[str, object] = {
        "id": rule_id, "description": f"Offers naming {phrase}.", "severity": "medium",
        "outcome": outcome, "reason_code": rule_id.upper().replace(".", "_"),
        "statement_category": CATEGORY, "when": {"phrases": [phrase], "fields": ["title"]},
        "examples": {"match": [{"title": f"{PLAIN_TITLE} {phrase}"}],
                     "no_match": [{"title": "Namiot turystyczny"}]},
    }
    if outcome == "review":
        data["priority"] = 3
    return data


def write_pack(directory: Path, *rules: dict[str, object]) -> Path:
    """Write (or rewrite) the one pack of a directory; a later mtime, so workers see it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "guard_test.yaml"
    existed = path.exists()
    before = path.stat().st_mtime_ns if existed else 0
    path.write_text(yaml.safe_dump({"pack": "guard_test", "version": 1, "rules": list(rules)},
                                   allow_unicode=True), encoding="utf-8")
    if existed:
        os.utime(path, ns=(before + 10**9, before + 10**9))
    return directory
