"""Loads and validates the YAML packs of a directory into a RuleSet."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from rules import inflection
from rules.datafiles import DEFAULT_DATA_DIR, DataFiles
from rules.engine import RuleSet
from rules.errors import RulePackError
from rules.model import Rule
from rules.parse import parse_rules

__all__ = ["DEFAULT_PACKS_DIR", "RulePackError", "load_ruleset", "parse_rules"]

DEFAULT_PACKS_DIR = Path(__file__).parent / "packs"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key given twice (YAML keeps the last one silently)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} given twice", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_pack(path: Path) -> Any:
    """Parse one pack file; RulePackError on bad YAML."""
    try:
        return yaml.load(path.read_bytes(), Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise RulePackError(path.name, None, f"bad YAML: {exc}") from None


def load_ruleset(directory: Path | None = None, *, data_dir: Path | None = None) -> RuleSet:
    """Load every *.yaml pack of a directory (default rules/packs) into one RuleSet."""
    # Data files come from `data_dir`, else a `data` directory beside the packs (so a custom
    # RULES_DIR brings its own lists), else rules/data. The version hashes the packs and every
    # data file they read, so workers can tell which policy screened an offer.
    directory = Path(directory) if directory is not None else DEFAULT_PACKS_DIR
    if not directory.is_dir():
        raise RulePackError(str(directory), None, "pack directory not found")
    if data_dir is None:
        sibling = directory.parent / "data"
        data_dir = sibling if sibling.is_dir() else DEFAULT_DATA_DIR
    files = DataFiles(data_dir)
    paths = sorted([*directory.glob("*.yaml"), *directory.glob("*.yml")])
    if not paths:
        raise RulePackError(str(directory), None, "no *.yaml packs")
    digest = hashlib.sha256()
    rules: list[Rule] = []
    where: dict[str, str] = {}
    for path in paths:
        raw = path.read_bytes()
        digest.update(b"pack\0%s\0%d\0" % (path.name.encode(), len(raw)) + raw)
        for rule in parse_rules(read_pack(path), path.name, files=files):
            if rule.id in where:
                raise RulePackError(path.name, rule.id,
                                    f"duplicate rule id (also in {where[rule.id]})")
            where[rule.id] = path.name
            rules.append(rule)
    for name in sorted(files.used):
        raw = files.used[name]
        digest.update(b"data\0%s\0%d\0" % (name.encode(), len(raw)) + raw)
    if files.inflected:
        # Other dictionaries generate other forms: the same packs are then another policy.
        digest.update(b"inflection\0" + inflection.version().encode())
    return RuleSet(rules, f"packs:{digest.hexdigest()[:12]}")
