"""A rule's `when` mapping into conditions; a problem raises RuleProblem naming its path."""


from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from rules import inflection
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
from rules.datafiles import FIXED, DataFiles
from rules.normalise import fold
from rules.regexes import check_regex

LIST_FILE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*\.txt")


class RuleProblem(Exception):
    """A reason, raised deep in a rule and turned into RulePackError with file and rule id."""


def parse_when(raw: object, files: DataFiles, path: str) -> Condition:
    """Build the condition a `when` mapping (or a list of them, all required) describes."""
    if isinstance(raw, list):
        return All(tuple(parse_when(c, files, f"{path}[{i}]") for i, c in enumerate(raw)))
    if not isinstance(raw, dict) or not raw:
        raise RuleProblem(f"{path}: a condition must be a mapping such as {{phrases: [...]}}")
    kinds = [k for k in raw if k in _KINDS]
    if not kinds:
        raise RuleProblem(f"{path}: unknown condition {sorted(raw)[0]!r} "
                    f"(known: {', '.join(sorted(_KINDS))})")
    if len(kinds) > 1:
        raise RuleProblem(f"{path}: one condition per mapping, got {kinds}")
    kind = kinds[0]
    builder, options = _KINDS[kind]
    extra = sorted(set(raw) - {kind} - options)
    if extra:
        raise RuleProblem(f"{path}.{kind}: unknown option {extra[0]!r}")
    return builder(raw[kind], raw, files, f"{path}.{kind}")


# Option readers ----------------------------------------------------------------------------

def _strings(value: object, path: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise RuleProblem(f"{path}: expected a non-empty list of strings")
    if not all(isinstance(v, str) and v.strip() for v in value):
        raise RuleProblem(f"{path}: expected a non-empty list of strings")
    return tuple(value)


def _normalised(value: object, path: str, files: DataFiles | None = None, *,
                inflect: tuple[DataFiles, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    """Normalised phrases; with `files`, an item named like `list.txt` is a phrase list.

    With `inflect` (the data files, which record that expansion was used, and the
    languages), every phrase in its inflected forms too, except one written `=phrase`.
    """
    out: list[str] = []
    for phrase in _strings(value, path):
        if files is not None and LIST_FILE.fullmatch(phrase):
            try:
                out.extend(files.phrases(phrase))
            except ValueError as exc:
                raise RuleProblem(f"{path}: {exc}") from None
            continue
        fixed = phrase.startswith(FIXED)
        phrase = phrase.removeprefix(FIXED).strip()
        forms = inflect[0].forms(phrase, () if fixed else inflect[1]) if inflect else [phrase]
        for form in forms:
            key = fold(form)
            if not key:
                raise RuleProblem(f"{path}: phrase {phrase!r} is empty after normalisation")
            out.append(key)
    return tuple(dict.fromkeys(out))


def _fields(raw: dict[str, Any], path: str, default: tuple[str, ...]) -> tuple[str, ...]:
    if "fields" not in raw:
        return default
    fields = _strings(raw["fields"], f"{path}.fields")
    bad = [f for f in fields if f not in TEXT_FIELDS]
    if bad:
        raise RuleProblem(f"{path}.fields: unknown field {bad[0]!r} (one of {TEXT_FIELDS})")
    return fields


def _number(raw: dict[str, Any], key: str, path: str, lo: float, hi: float,
            default: float | None = None) -> float:
    value = raw.get(key, default)
    if value is None:
        raise RuleProblem(f"{path}: missing option {key!r}")
    if not isinstance(value, int | float) or isinstance(value, bool) or not lo <= value <= hi:
        raise RuleProblem(f"{path}.{key}: expected a number in {lo}..{hi}, got {value!r}")
    return float(value)


def _int(value: object, path: str, lo: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < lo:
        raise RuleProblem(f"{path}: expected an integer >= {lo}, got {value!r}")
    return value


def _inflect(raw: dict[str, Any], path: str) -> tuple[str, ...]:
    """Languages to inflect phrases in: `inflect: true` (all), `pl`, `en` or a list."""
    value = raw.get("inflect", False)
    if value is False:
        return ()
    languages = inflection.parse_languages(value)
    if languages is None:
        raise RuleProblem(f"{path}.inflect: expected true, false or languages among "
                          f"{list(inflection.LANGUAGES)}, got {value!r}")
    return languages


def _window(raw: dict[str, Any], path: str) -> int:
    return _int(raw.get("window", 3), f"{path}.window", 1)


def _unless(raw: dict[str, Any], path: str, files: DataFiles) -> tuple[str, ...]:
    if "unless_preceded_by" not in raw:
        return ()
    return _normalised(raw["unless_preceded_by"], f"{path}.unless_preceded_by", files)


# Condition builders ------------------------------------------------------------------------

_PHRASE_OPTIONS = {"fields", "unless_preceded_by", "window", "inflect"}
_BRAND_FILTERS = {"tier", "brand_category"}


def _phrases(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    # Inline phrases are phrases, never list names (those belong in phrase_list).
    languages = _inflect(raw, path)
    phrases = _normalised(value, path, inflect=(files, languages) if languages else None)
    return Phrases(phrases, _fields(raw, path, ("title", "description")),
                   _unless(raw, path, files), _window(raw, path))


def _phrase_list(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    phrases: list[str] = []
    names = _strings(value, path)
    for name in names:
        try:
            phrases.extend(files.phrases(name, inflect=_inflect(raw, path)))
        except ValueError as exc:
            raise RuleProblem(f"{path}: {exc}") from None
    return Phrases(tuple(dict.fromkeys(phrases)), _fields(raw, path, ("title", "description")),
                   _unless(raw, path, files), _window(raw, path), source=",".join(names))


def _regex(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    if not isinstance(value, str) or not value:
        raise RuleProblem(f"{path}: expected a pattern string")
    if "field" not in raw:
        raise RuleProblem(f"{path}: missing option 'field' (one of {TEXT_FIELDS})")
    if raw["field"] not in TEXT_FIELDS:
        raise RuleProblem(f"{path}.field: unknown field {raw['field']!r} (one of {TEXT_FIELDS})")
    problem = check_regex(value)
    if problem:
        raise RuleProblem(f"{path}: {problem}")
    return Regex(value, raw["field"])


def _brand_entries(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Any:
    try:
        if isinstance(value, str):
            entries, source = files.brands(value), value
        else:
            entries, source = files.inline_brands(_strings(value, path)), "inline"
    except ValueError as exc:
        raise RuleProblem(f"{path}: {exc}") from None
    catalogue = entries
    for option, attr in (("tier", "tier"), ("brand_category", "category")):
        if option in raw:
            wanted = set(_strings(raw[option], f"{path}.{option}"))
            entries = tuple(e for e in entries if getattr(e, attr) in wanted)
            if not entries:
                raise RuleProblem(f"{path}.{option}: no brand of {source} has {option} in "
                            f"{sorted(wanted)}")
    return entries, catalogue, source


def _common(raw: dict[str, Any], path: str) -> bool:
    value = raw.get("include_ordinary_names", False)
    if not isinstance(value, bool):
        raise RuleProblem(f"{path}.include_ordinary_names: expected true or false")
    return value


def _brand_in(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    entries, catalogue, source = _brand_entries(value, raw, files, path)
    preceded = (_normalised(raw["preceded_by"], f"{path}.preceded_by", files)
                if "preceded_by" in raw else ())
    gap = _int(raw.get("gap", 0), f"{path}.gap", 0)
    if gap and not preceded:
        raise RuleProblem(f"{path}.gap: only meaningful with preceded_by")
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
        raise RuleProblem(f"{path}: expected a mapping such as {{ratio: 0.3}}")
    extra = sorted(set(value) - _PRICE_OPTIONS)
    if extra:
        raise RuleProblem(f"{path}: unknown option {extra[0]!r}")
    entries, catalogue, source = _brand_entries(value.get("list", "brands.csv"), value, files,
                                                path)
    # A fixed `reference` (a rights holder's own price) stands in for the list's prices.
    reference = value.get("reference")
    if "reference" in value and (not isinstance(reference, int | float)
                                  or isinstance(reference, bool) or not 0 < reference < 1e11):
        raise RuleProblem(f"{path}.reference: expected a positive price in PLN, got {reference!r}")
    entries = entries if reference else tuple(e for e in entries if e.reference_price)
    if not entries:
        raise RuleProblem(f"{path}: no brand of {source} has a reference price")
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
        raise RuleProblem(f"{path}: only `true` is meaningful (wrap in `not:` for the opposite)")
    return SellerNotActivated()


def _strikes(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    return SellerStrikesAtLeast(_int(value, path, 1))


def _group(kind: type[All] | type[AnyOf]) -> Callable[..., Condition]:
    def build(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
        if not isinstance(value, list) or not value:
            raise RuleProblem(f"{path}: expected a non-empty list of conditions")
        return kind(tuple(parse_when(c, files, f"{path}[{i}]") for i, c in enumerate(value)))
    return build


def _not(value: object, raw: dict[str, Any], files: DataFiles, path: str) -> Condition:
    return Not(parse_when(value, files, path))


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
