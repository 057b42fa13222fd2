"""Pack dicts (parsed YAML) into rules; every problem raises RulePackError naming file and rule."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rules.datafiles import DataFiles
from rules.dsa import check_statement_category
from rules.errors import RulePackError
from rules.model import Examples, Rule
from rules.offer_dict import check_offer_dict
from rules.parse_when import RuleProblem, parse_when
from rules.types import Outcome, Severity

RULE_ID = re.compile(r"[a-z0-9][a-z0-9_.\-]*")
REASON_CODE = re.compile(r"[A-Z][A-Z0-9_]*")
PACK_KEYS = {"pack", "version", "description", "rules"}
RULE_REQUIRED = ("id", "description", "severity", "when", "outcome", "reason_code",
                 "statement_category", "examples")
RULE_KEYS = {*RULE_REQUIRED, "priority"}


def parse_rules(data: dict[str, Any], source: str, *, data_dir: Path | None = None,
                files: DataFiles | None = None, require_examples: bool = True) -> list[Rule]:
    """Build the rules of one pack-shaped dict; `source` names it in errors."""
    files = files or DataFiles(data_dir)
    if not isinstance(data, dict):
        raise RulePackError(source, None, "a pack must be a mapping with pack, version, rules")
    unknown = sorted(set(data) - PACK_KEYS)
    if unknown:
        raise RulePackError(source, None, f"unknown pack keys {unknown}")
    for key in ("pack", "version", "rules"):
        if key not in data:
            raise RulePackError(source, None, f"missing field {key!r}")
    pack, version = data["pack"], data["version"]
    if not isinstance(pack, str) or not pack.strip():
        raise RulePackError(source, None, "pack must be a non-empty string")
    if not isinstance(version, str | int | float) or isinstance(version, bool):
        raise RulePackError(source, None, "version must be a string or a number")
    if not isinstance(data["rules"], list):
        raise RulePackError(source, None, "rules must be a list")
    out: list[Rule] = []
    seen: set[str] = set()
    for i, raw in enumerate(data["rules"]):
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        label = rule_id if isinstance(rule_id, str) else f"#{i + 1}"
        try:
            rule = _rule(raw, source, pack, str(version), files, require_examples)
        except RuleProblem as exc:
            raise RulePackError(source, label, str(exc)) from None
        if rule.id in seen:
            raise RulePackError(source, rule.id, "duplicate rule id")
        seen.add(rule.id)
        out.append(rule)
    return out


def _rule(raw: object, source: str, pack: str, version: str, files: DataFiles,
          require_examples: bool) -> Rule:
    if not isinstance(raw, dict):
        raise RuleProblem("a rule must be a mapping")
    for key in RULE_REQUIRED:
        if key not in raw:
            raise RuleProblem(f"missing field {key!r}")
    unknown = sorted(set(raw) - RULE_KEYS)
    if unknown:
        raise RuleProblem(f"unknown fields {unknown}")
    rule_id = raw["id"]
    if not isinstance(rule_id, str) or not RULE_ID.fullmatch(rule_id):
        raise RuleProblem("id must be lower-case letters, digits, '.', '_' or '-'")
    description = raw["description"]
    if not isinstance(description, str) or not description.strip():
        raise RuleProblem("description must be a non-empty string")
    severity = _enum(Severity, raw["severity"], "severity")
    outcome = _enum(Outcome, raw["outcome"], "outcome")
    priority = raw.get("priority")
    if outcome is Outcome.REVIEW:
        if priority is None:
            raise RuleProblem("outcome review needs a priority (1 most urgent .. 5)")
        if not isinstance(priority, int) or isinstance(priority, bool) or not 1 <= priority <= 5:
            raise RuleProblem(f"priority must be an integer 1..5, got {priority!r}")
    elif priority is not None:
        raise RuleProblem(f"priority only applies to outcome review, not {outcome.value}")
    reason = raw["reason_code"]
    if not isinstance(reason, str) or not REASON_CODE.fullmatch(reason):
        raise RuleProblem("reason_code must be UPPER_SNAKE_CASE")
    problem = check_statement_category(raw["statement_category"])
    if problem:
        raise RuleProblem(problem)
    when = parse_when(raw["when"], files, "when")
    examples = _examples(raw["examples"], require_examples)
    return Rule(id=rule_id, description=description.strip(), severity=severity,
                outcome=outcome, priority=priority, reason_code=reason,
                statement_category=raw["statement_category"], when=when, examples=examples,
                source=source, pack=pack, pack_version=version)


def _enum(kind: Any, value: object, name: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(m.value for m in kind)
        raise RuleProblem(f"{name} {value!r} not one of {allowed}") from None


def _examples(raw: object, required: bool) -> Examples:
    if not isinstance(raw, dict) or set(raw) - {"match", "no_match"}:
        raise RuleProblem("examples must be a mapping with match and no_match lists")
    lists = {}
    for key in ("match", "no_match"):
        items = raw.get(key) or []
        if not isinstance(items, list):
            raise RuleProblem(f"examples.{key} must be a list")
        if required and not items:
            raise RuleProblem(f"examples.{key} needs at least one offer")
        for n, item in enumerate(items):
            problem = check_offer_dict(item)
            if problem:
                raise RuleProblem(f"examples.{key}[{n}]: {problem}")
        lists[key] = tuple(items)
    return Examples(match=lists["match"], no_match=lists["no_match"])
