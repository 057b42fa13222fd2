"""Loading packs: every invalid pack fails naming its file, the rule and the reason."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from rules.loader import RulePackError, load_ruleset, parse_rules
from rules.types import OfferText
from tests.rules.conftest import pack, rule


def write(directory: Path, name: str, data: Any) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True),
                    encoding="utf-8")
    return path


def without(d: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in d.items() if k != key}


GOOD = rule({"phrases": ["replika"]}, "t.good")

BAD: list[tuple[str, Any, str | None, str]] = [
    # (case, pack content, rule id named, reason pattern)
    ("bad yaml", "pack: x\nrules: [\n  - id: {", None, r"bad YAML"),
    ("duplicate yaml key", "pack: x\nversion: 1\nversion: 2\nrules: []\n", None,
     r"bad YAML.*'version' given twice"),
    ("not a mapping", "- just\n- a list\n", None, r"must be a mapping"),
    ("missing pack name", {"version": 1, "rules": [GOOD]}, None, r"missing field 'pack'"),
    ("unknown condition", pack(rule({"phrasez": ["x"]}, "t.unknown")), "t.unknown",
     r"unknown condition 'phrasez'"),
    ("unknown option", pack(rule({"phrases": ["x"], "feilds": ["title"]}, "t.opt")), "t.opt",
     r"unknown option 'feilds'"),
    ("missing field", pack(without(rule({"phrases": ["x"]}, "t.missing"), "severity")),
     "t.missing", r"missing field 'severity'"),
    ("bad outcome", pack(rule({"phrases": ["x"]}, "t.outcome", outcome="delete")), "t.outcome",
     r"outcome 'delete' not one of allow, review, block"),
    ("bad severity", pack(rule({"phrases": ["x"]}, "t.sev", severity="urgent")), "t.sev",
     r"severity 'urgent'"),
    ("bad statement category",
     pack(rule({"phrases": ["x"]}, "t.cat", statement_category="STATEMENT_CATEGORY_FAKES")),
     "t.cat", r"not a DSA transparency database category"),
    ("renamed statement category",
     pack(rule({"phrases": ["x"]}, "t.old",
               statement_category="STATEMENT_CATEGORY_UNSAFE_AND_ILLEGAL_PRODUCTS")),
     "t.old", r"renamed to 'STATEMENT_CATEGORY_UNSAFE_AND_PROHIBITED_PRODUCTS'"),
    ("review without priority",
     pack(without(rule({"phrases": ["x"]}, "t.prio"), "priority")), "t.prio",
     r"review needs a priority"),
    ("priority out of range", pack(rule({"phrases": ["x"]}, "t.p6", priority=6)), "t.p6",
     r"priority must be an integer 1..5"),
    ("priority on block", pack(rule({"phrases": ["x"]}, "t.pb", outcome="block")), "t.pb",
     r"priority only applies to outcome review"),
    ("duplicate rule id", pack(GOOD, GOOD), "t.good", r"duplicate rule id"),
    ("bad rule id", pack(rule({"phrases": ["x"]}, "Bad Id")), "Bad Id", r"id must be"),
    ("bad reason code", pack(rule({"phrases": ["x"]}, "t.rc", reason_code="counterfeit")),
     "t.rc", r"UPPER_SNAKE_CASE"),
    ("no must-not-match example",
     pack(rule({"phrases": ["x"]}, "t.ex", examples={"match": [{"title": "x"}]})), "t.ex",
     r"examples.no_match needs at least one offer"),
    ("example without title",
     pack(rule({"phrases": ["x"]}, "t.ext",
               examples={"match": [{"brand": "x"}], "no_match": [{"title": "y"}]})),
     "t.ext", r"examples.match\[0\]: title must be a string"),
    ("example with unknown field",
     pack(rule({"phrases": ["x"]}, "t.exf",
               examples={"match": [{"title": "x", "colour": "red"}],
                         "no_match": [{"title": "y"}]})),
     "t.exf", r"unknown offer field 'colour'"),
    ("missing phrase list", pack(rule({"phrase_list": "nope.txt"}, "t.file")), "t.file",
     r"data file 'nope.txt' not found"),
    ("path outside the data directory", pack(rule({"phrase_list": "../packs/x.txt"}, "t.path")),
     "t.path", r"must be a plain file name"),
    ("regex that does not compile", pack(rule({"regex": "(", "field": "title"}, "t.re")),
     "t.re", r"bad regex"),
    ("regex never matching normalised text",
     pack(rule({"regex": "Podróbka", "field": "title"}, "t.re2")), "t.re2",
     r"never occurs in normalised text"),
    ("regex without field", pack(rule({"regex": "x"}, "t.re3")), "t.re3",
     r"missing option 'field'"),
    ("brand_in without cutoff", pack(rule({"brand_in": ["Nike"]}, "t.cut")), "t.cut",
     r"missing option 'cutoff'"),
    ("unknown field", pack(rule({"phrases": ["x"], "fields": ["price"]}, "t.fld")), "t.fld",
     r"unknown field 'price'"),
    ("unquoted 1:1 is a number in YAML", "pack: x\nversion: 1\nrules:\n  - id: t.yaml\n"
     "    description: d\n    severity: low\n    outcome: block\n    reason_code: X\n"
     "    statement_category: STATEMENT_CATEGORY_SCAMS_AND_FRAUD\n"
     "    when: {phrases: [1:1]}\n    examples: {match: [{title: a}], no_match: [{title: b}]}\n",
     "t.yaml", r"expected a non-empty list of strings"),
    ("filter keeps nothing", pack(rule({"brand_in": "brands.csv", "cutoff": 90,
                                        "tier": ["budget"]}, "t.tier")), "t.tier",
     r"no brand of brands.csv has tier"),
    ("seller_not_activated false", pack(rule({"seller_not_activated": False}, "t.act")), "t.act",
     r"only `true` is meaningful"),
    ("empty any", pack(rule({"any": []}, "t.any")), "t.any", r"non-empty list of conditions"),
]


@pytest.mark.parametrize(("case", "content", "rule_id", "reason"), BAD, ids=[b[0] for b in BAD])
def test_invalid_pack_names_file_rule_and_reason(tmp_path: Path, case: str, content: Any,
                                                 rule_id: str | None, reason: str) -> None:
    write(tmp_path / "packs", "broken.yaml", content)
    with pytest.raises(RulePackError) as info:
        load_ruleset(tmp_path / "packs")
    err = info.value
    assert err.file == "broken.yaml" and str(err).startswith("broken.yaml: ")
    assert err.rule_id == rule_id
    if rule_id is not None:
        assert repr(rule_id) in str(err)
    assert re.search(reason, err.reason), err.reason
    assert re.search(reason, str(err))


def test_duplicate_rule_id_across_files_names_both(tmp_path: Path) -> None:
    write(tmp_path / "packs", "a.yaml", pack(GOOD))
    write(tmp_path / "packs", "b.yaml", pack(GOOD))
    with pytest.raises(RulePackError, match=r"b\.yaml: rule 't\.good': duplicate rule id "
                                            r"\(also in a\.yaml\)"):
        load_ruleset(tmp_path / "packs")


def test_missing_or_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="pack directory not found"):
        load_ruleset(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RulePackError, match=r"no \*\.yaml packs"):
        load_ruleset(tmp_path / "empty")


def test_version_hashes_packs_and_the_data_they_read(tmp_path: Path) -> None:
    packs, data = tmp_path / "packs", tmp_path / "data"
    write(data, "words.txt", "replika\n")
    write(packs, "a.yaml", pack(rule({"phrase_list": "words.txt"}, "t.words")))
    first = load_ruleset(packs).version
    assert re.fullmatch(r"packs:[0-9a-f]{12}", first)
    assert load_ruleset(packs).version == first
    write(data, "unused.txt", "anything\n")
    assert load_ruleset(packs).version == first, "files no pack reads do not count"
    write(data, "words.txt", "replika\nfake\n")
    second = load_ruleset(packs).version
    assert second != first
    write(packs, "a.yaml", pack(rule({"phrase_list": "words.txt"}, "t.words2")))
    assert load_ruleset(packs).version not in (first, second)


def test_data_directory_beside_the_packs_is_used(tmp_path: Path) -> None:
    write(tmp_path / "data", "words.txt", "zakazane słowo\n")
    write(tmp_path / "packs", "a.yaml", pack(rule({"phrase_list": "words.txt"}, "t.words")))
    ruleset = load_ruleset(tmp_path / "packs")
    assert ruleset.evaluate(OfferText(title="To ZAKAZANE SŁOWO tutaj"))


def test_parse_rules_builds_rules_from_a_dict() -> None:
    rules = parse_rules(pack(GOOD, name="rights-holders"), "rights:acme")
    assert [(r.id, r.pack, r.source) for r in rules] == [("t.good", "rights-holders",
                                                          "rights:acme")]
    with pytest.raises(RulePackError,
                       match=r"rights:acme: rule 't\.x': when: unknown condition 'nope'"):
        parse_rules(pack(rule({"nope": 1}, "t.x")), "rights:acme")


def test_shipped_packs_load(shipped: Any) -> None:
    packs = {r.pack for r in shipped.rules}
    assert packs == {"counterfeit", "prohibited", "brand_abuse", "claims"}
    assert all(r.examples.match and r.examples.no_match for r in shipped.rules)
