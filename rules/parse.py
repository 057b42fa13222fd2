"""Pack dicts (parsed YAML) into rules; every problem raises RulePackError naming file and rule."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rules.conditions import (
    TEXT_FIELDS,
    All,
    AnyOf,
    BrandIn,
    BrandMismatch,
    CategoryIn,
    Condition,
    Not,
    Phrases,
    PriceBelowReference,
    Regex,
    SellerAccountAgeBelow,
    SellerNotActivated,
    SellerStrikesAtLeast,
)
from rules.datafiles import DataFiles
from rules.dsa import check_statement_category
from rules.errors import RulePackError
from rules.model import Examples, Rule
from rules.normalise import fold
from rules.offer_dict import check_offer_dict
from rules.regexes import check_regex
from rules.types import Outcome, Severity

RULE_ID = re.compile(r"[a-z0-9][a-z0-9_.\-]*")
REASON_CODE = re.compile(r"[A-Z][A-Z0-9_]*")
LIST_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*\.txt")
PACK_KEYS = {"pack", "version", "description", "rules"}
RULE_REQUIRED = ("id", "description", "severity", "when", "outcome", "reason_code",
                 "statement_category", "examples")
RULE_KEYS = {*RULE_REQUIRED, "priority"}


class _Fail(Exception):
    """A reason, raised deep in a rule and turned into RulePackError with file and rule id."""


def _fail(reason: str) -> _Fail:
    return _Fail(reason)


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
        except _Fail as exc:
            raise RulePackError(source, label, str(exc)) from None
        if rule.id in seen:
            raise RulePackError(source, rule.id, "duplicate rule id")
        seen.add(rule.id)
        out.append(rule)
    return out


def _rule(raw: object, source: str, pack: str, version: str, files: DataFiles,
          require_examples: bool) -> Rule:
    if not isinstance(raw, dict):
        raise _fail("a rule must be a mapping")
    for key in RULE_REQUIRED:
        if key not in raw:
            raise _fail(f"missing field {key!r}")
    unknown = sorted(set(raw) - RULE_KEYS)
    if unknown:
        raise _fail(f"unknown fields {unknown}")
    rule_id = raw["id"]
    if not isinstance(rule_id, str) or not RULE_ID.fullmatch(rule_id):
        raise _fail("id must be lower-case letters, digits, '.', '_' or '-'")
    description = raw["description"]
    if not isinstance(description, str) or not description.strip():
        raise _fail("description must be a non-empty string")
    severity = _enum(Severity, raw["severity"], "severity")
    outcome = _enum(Outcome, raw["outcome"], "outcome")
    priority = raw.get("priority")
    if outcome is Outcome.REVIEW:
        if priority is None:
            raise _fail("outcome review needs a priority (1 most urgent .. 5)")
        if not isinstance(priority, int) or isinstance(priority, bool) or not 1 <= priority <= 5:
            raise _fail(f"priority must be an integer 1..5, got {priority!r}")
    elif priority is not None:
        raise _fail(f"priority only applies to outcome review, not {outcome.value}")
    reason = raw["reason_code"]
    if not isinstance(reason, str) or not REASON_CODE.fullmatch(reason):
        raise _fail("reason_code must be UPPER_SNAKE_CASE")
    problem = check_statement_category(raw["statement_category"])
    if problem:
        raise _fail(problem)
    when = _when(raw["when"], files, "when")
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
        raise _fail(f"{name} {value!r} not one of {allowed}") from None


def _examples(raw: object, required: bool) -> Examples:
    if not isinstance(raw, dict) or set(raw) - {"match", "no_match"}:
        raise _fail("examples must be a mapping with match and no_match lists")
    lists = {}
    for key in ("match", "no_match"):
        items = raw.get(key) or []
        if not isinstance(items, list):
            raise _fail(f"examples.{key} must be a list")
        if required and not items:
            raise _fail(f"examples.{key} needs at least one offer")
        for n, item in enumerate(items):
            problem = check_offer_dict(item)
            if problem:
                raise _fail(f"examples.{key}[{n}]: {problem}")
        lists[key] = tuple(items)
    return Examples(match=lists["match"], no_match=lists["no_match"])


def _when(raw: object, files: DataFiles, path: str) -> Condition:
    if isinstance(raw, list):
        return All(tuple(_when(c, files, f"{path}[{i}]") for i, c in enumerate(raw)))
    if not isinstance(raw, dict) or not raw:
        raise _fail(f"{path}: a condition must be a mapping such as {{phrases: [...]}}")
    kinds = [k for k in raw if k in _KINDS]
    if not kinds:
        raise _fail(f"{path}: unknown condition {sorted(raw)[0]!r} "
                    f"(known: {', '.join(sorted(_KINDS))})")
    if len(kinds) > 1:
        raise _fail(f"{path}: one condition per mapping, got {kinds}")
    kind = kinds[0]
    builder, options = _KINDS[kind]
    extra = sorted(set(raw) - {kind} - options)
    if extra:
        raise _fail(f"{path}.{kind}: unknown option {extra[0]!r}")
    return builder(raw[kind], raw, files, f"{path}.{kind}")


# Option readers ----------------------------------------------------------------------------

def _strings(value: object, path: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise _fail(f"{path}: expected a non-empty list of strings")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(f"{path}: expected a non-empty list of strings")
    return tuple(value)


def _normalised(value: object, path: str, files: DataFiles | None = None) -> tuple[str, ...]:
    """Normalised phrases; with `files`, an item named like `list.txt` is a phrase list."""
    out: list[str] = []
    for phrase in _strings(value, path):
        if files is not None and LIST_FILE.fullmatch(phrase):
            try:
                out.extend(files.phrases(phrase))
            except ValueError as exc:
                raise _fail(f"{path}: {exc}") from None
            continue
        key = fold(phrase)
        if not key:
            raise _fail(f"{path}: phrase {phrase!r} is empty after normalisation")
        out.append(key)
    return tuple(dict.fromkeys(out))


def _fields(raw: dict[str, Any], path: str, default: tuple[str, ...]) -> tuple[str, ...]:
    if "fields" not in raw:
        return default
    fields = _strings(raw["fields"], f"{path}.fields")
    bad = [f for f in fields if f not in TEXT_FIELDS]
    if bad:
        raise _fail(f"{path}.fields: unknown field {bad[0]!r} (one of {TEXT_FIELDS})")
    return fields


def _number(raw: dict[str, Any], key: str, path: str, lo: float, hi: float,
            default: float | None = None) -> float:
    value = raw.get(key, default)
    if value is None:
        raise _fail(f"{path}: missing option {key!r}")
    if not isinstance(value, int | float) or isinstance(value, bool) or not lo <= value <= hi:
        raise _fail(f"{path}.{key}: expected a number in {lo}..{hi}, got {value!r}")
    return float(value)


def _int(value: object, path: str, lo: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < lo:
        raise _fail(f"{path}: expected an integer >= {lo}, got {value!r}")
    return value


def _window(raw: dict[str, Any], path: str) -> int:
    return _int(raw.get("window", 3), f"{path}.window", 1)


def _unless(raw: dict[str, Any], path: str, files: DataFiles) -> tuple[str, ...]:
    if "unless_preceded_by" not in raw:
        return ()
    return _normalised(raw["unless_preceded_by"], f"{path}.unless_preceded_by", files)


# Condition builders ------------------------------------------------------------------------

_PHRASE_OPTIONS = {"fields", "unless_preceded_by", "window"}
_BRAND_FILTERS = {"tier", "brand_category"}


def _phrases(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    return Phrases(_normalised(value, path), _fields(raw, path, ("title", "description")),
                   _unless(raw, path, files), _window(raw, path))


def _phrase_list(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    phrases: list[str] = []
    names = _strings(value, path)
    for name in names:
        try:
            phrases.extend(files.phrases(name))
        except ValueError as exc:
            raise _fail(f"{path}: {exc}") from None
    return Phrases(tuple(dict.fromkeys(phrases)), _fields(raw, path, ("title", "description")),
                   _unless(raw, path, files), _window(raw, path), source=",".join(names))


def _regex(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    if not isinstance(value, str) or not value:
        raise _fail(f"{path}: expected a pattern string")
    if "field" not in raw:
        raise _fail(f"{path}: missing option 'field' (one of {TEXT_FIELDS})")
    if raw["field"] not in TEXT_FIELDS:
        raise _fail(f"{path}.field: unknown field {raw['field']!r} (one of {TEXT_FIELDS})")
    problem = check_regex(value)
    if problem:
        raise _fail(f"{path}: {problem}")
    return Regex(value, raw["field"])


def _brand_entries(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Any:
    try:
        if isinstance(value, str):
            entries, source = files.brands(value), value
        else:
            entries, source = files.inline_brands(_strings(value, path)), "inline"
    except ValueError as exc:
        raise _fail(f"{path}: {exc}") from None
    catalogue = entries
    for option, attr in (("tier", "tier"), ("brand_category", "category")):
        if option in raw:
            wanted = set(_strings(raw[option], f"{path}.{option}"))
            entries = tuple(e for e in entries if getattr(e, attr) in wanted)
            if not entries:
                raise _fail(f"{path}.{option}: no brand of {source} has {option} in "
                            f"{sorted(wanted)}")
    return entries, catalogue, source


def _common(raw: dict[str, Any], path: str) -> bool:
    value = raw.get("include_ordinary_names", False)
    if not isinstance(value, bool):
        raise _fail(f"{path}.include_ordinary_names: expected true or false")
    return value


def _brand_in(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    entries, catalogue, source = _brand_entries(value, raw, files, path)
    preceded = (_normalised(raw["preceded_by"], f"{path}.preceded_by", files)
                if "preceded_by" in raw else ())
    gap = _int(raw.get("gap", 0), f"{path}.gap", 0)
    if gap and not preceded:
        raise _fail(f"{path}.gap: only meaningful with preceded_by")
    return BrandIn(entries, _number(raw, "cutoff", path, 50, 100),
                   _fields(raw, path, ("title", "brand")), preceded, gap, _unless(raw, path, files),
                   _window(raw, path), _common(raw, path), source, catalogue)


def _brand_mismatch(value: object, raw: dict[str, Any], files: DataFiles,
                    path: str) -> Condition:
    entries, catalogue, source = _brand_entries(value, raw, files, path)
    ignore = (_normalised(raw["ignore_brand_values"], f"{path}.ignore_brand_values", files)
              if "ignore_brand_values" in raw else ())
    return BrandMismatch(entries, _number(raw, "cutoff", path, 50, 100), _unless(raw, path, files),
                         _window(raw, path), _common(raw, path), ignore, source, catalogue)


_PRICE_OPTIONS = {"ratio", "reference", "list", "cutoff", "fields", "unless_preceded_by",
                  "window", *_BRAND_FILTERS}


def _price(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    if not isinstance(value, dict):
        raise _fail(f"{path}: expected a mapping such as {{ratio: 0.3}}")
    extra = sorted(set(value) - _PRICE_OPTIONS)
    if extra:
        raise _fail(f"{path}: unknown option {extra[0]!r}")
    entries, catalogue, source = _brand_entries(value.get("list", "brands.csv"), value, files,
                                                path)
    # A fixed `reference` (a rights holder's own price) stands in for the list's prices.
    reference = value.get("reference")
    if "reference" in value and (not isinstance(reference, int | float)
                                  or isinstance(reference, bool) or not 0 < reference < 1e11):
        raise _fail(f"{path}.reference: expected a positive price in PLN, got {reference!r}")
    entries = entries if reference else tuple(e for e in entries if e.reference_price)
    if not entries:
        raise _fail(f"{path}: no brand of {source} has a reference price")
    return PriceBelowReference(_number(value, "ratio", path, 0.001, 0.999), entries,
                               float(reference) if reference else None,
                               _number(value, "cutoff", path, 50, 100, 90),
                               _fields(value, path, ("brand", "title")),
                               _unless(value, path, files), _window(value, path), source,
                               catalogue)


def _category(negate: bool) -> Callable[..., Condition]:
    def build(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
        return CategoryIn(tuple(" > ".join(p.strip() for p in v.split(">"))
                                for v in _normalised(value, path)), negate)
    return build


def _age(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    return SellerAccountAgeBelow(_int(value, path, 1))


def _not_activated(value: object, raw: dict[str, Any], files: DataFiles,
                   path: str) -> Condition:
    if value is not True:
        raise _fail(f"{path}: only `true` is meaningful (wrap in `not:` for the opposite)")
    return SellerNotActivated()


def _strikes(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    return SellerStrikesAtLeast(_int(value, path, 1))


def _group(kind: type[All] | type[AnyOf]) -> Callable[..., Condition]:
    def build(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
        if not isinstance(value, list) or not value:
            raise _fail(f"{path}: expected a non-empty list of conditions")
        return kind(tuple(_when(c, files, f"{path}[{i}]") for i, c in enumerate(value)))
    return build


def _not(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    return Not(_when(value, files, path))


_BRAND_OPTIONS = {"cutoff", "fields", "preceded_by", "gap", "unless_preceded_by", "window",
                  "include_ordinary_names", *_BRAND_FILTERS}
_KINDS: dict[str, tuple[Callable[..., Condition], set[str]]] = {
    "phrases": (_phrases, _PHRASE_OPTIONS),
    "phrase_list": (_phrase_list, _PHRASE_OPTIONS),
    "regex": (_regex, {"field"}),
    "brand_in": (_brand_in, _BRAND_OPTIONS),
    "brand_mismatch": (_brand_mismatch, {"cutoff", "unless_preceded_by", "window",
                                         "include_ordinary_names", "ignore_brand_values",
                                         *_BRAND_FILTERS}),
    "price_below_reference": (_price, set()),
    "category_in": (_category(False), set()),
    "category_not_in": (_category(True), set()),
    "seller_account_age_days_below": (_age, set()),
    "seller_not_activated": (_not_activated, set()),
    "seller_strikes_at_least": (_strikes, set()),
    "all": (_group(All), set()),
    "any": (_group(AnyOf), set()),
    "not": (_not, set()),
}
