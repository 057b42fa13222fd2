"""Proactive protection: verified rights become screening rules, rebuilt when rights change."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from moderation.domain import RightStatus, StatementCategory
from moderation.local_time import warsaw_date
from moderation.tables import Right
from rules.datafiles import DataFiles
from rules.errors import RulePackError
from rules.loader import DEFAULT_PACKS_DIR, parse_rules
from rules.model import Rule

log = logging.getLogger(__name__)

# Bump when the rules built below change shape: screenings record which rules judged them.
TEMPLATE = "1"
IP = StatementCategory.INTELLECTUAL_PROPERTY.value
# The negations of rules/packs/counterfeit.yaml ("oryginał, nie podróbka"); a test keeps
# the two equal.
NEGATIONS = ["nie", "ani", "żadna", "żadne", "żaden", "nigdy", "czy", "vs", "not", "never"]
LOW_PRICE_RATIO = 0.3
_RULE_ID = re.compile(r"rights\.r(\d+)\.")


def right_id_of(rule_id: str) -> int | None:
    """The right a rights rule was built from; None for any other rule."""
    match = _RULE_ID.match(rule_id)
    return int(match.group(1)) if match else None


def _in_force(right: Right, today: date) -> bool:
    return (right.status == RightStatus.VERIFIED.value
            and (right.valid_from is None or right.valid_from <= today)
            and (right.valid_until is None or today <= right.valid_until))


def _pack(right: Right) -> dict[str, Any]:
    """The rules of one right, as a pack dict in the documented condition vocabulary."""
    terms = [*right.brands, *right.keywords]
    name = f"{right.office} {right.number}"
    rules: list[dict[str, Any]] = [{
        "id": f"rights.r{right.id}.marker",
        "description": f"A counterfeit marker next to a brand or keyword of the verified "
                       f"right {name}.",
        "severity": "high", "outcome": "review", "priority": 2,
        "reason_code": "RIGHTS_HOLDER_BRAND_MARKER", "statement_category": IP,
        "when": {"all": [
            {"phrase_list": "counterfeit_markers.txt", "fields": ["title", "description"],
             "unless_preceded_by": NEGATIONS},
            {"brand_in": terms, "cutoff": 90, "fields": ["title", "brand"]},
            {"not": {"phrase_list": "lawful_copy_context.txt",
                     "fields": ["title", "description"]}},
        ]},
        "examples": {"match": [], "no_match": []},
    }]
    if right.reference_price and right.brands:
        # As the shipped price rules: "etui do X" and accessories are cheap for a reason.
        rules.append({
            "id": f"rights.r{right.id}.price",
            "description": f"A brand of the verified right {name} at under "
                           f"{LOW_PRICE_RATIO:.0%} of the holder's reference price.",
            "severity": "high", "outcome": "review", "priority": 2,
            "reason_code": "RIGHTS_HOLDER_BRAND_LOW_PRICE", "statement_category": IP,
            "when": {"all": [
                {"price_below_reference": {
                    "ratio": LOW_PRICE_RATIO, "reference": float(right.reference_price),
                    "list": list(right.brands), "cutoff": 90, "fields": ["brand", "title"],
                    "unless_preceded_by": "compatibility_terms.txt", "window": 2}},
                {"not": {"phrase_list": "accessory_terms.txt", "fields": ["title"]}},
            ]},
            "examples": {"match": [], "no_match": []},
        })
    return {"pack": f"rights-{right.organisation_id}", "version": TEMPLATE, "rules": rules}


def rules_for(rights: Sequence[Right], *, today: date | None = None,
              data_dir: Path | None = None) -> list[Rule]:
    """Screening rules of the verified rights in force today that name brands or keywords."""
    today = today or warsaw_date()
    files = DataFiles(data_dir)  # shared: each phrase list is read once for all rights
    out: list[Rule] = []
    for right in rights:
        if not _in_force(right, today) or not (right.brands or right.keywords):
            continue
        try:
            out.extend(parse_rules(_pack(right), source=f"rights:{right.organisation_id}",
                                   files=files, require_examples=False))
        except RulePackError:
            # One unusable right must not stop screening with everyone else's rules.
            log.exception("right %s yields no rules", right.id)
    return out


def _version(rights: Sequence[Right]) -> str:
    digest = hashlib.sha256(f"template {TEMPLATE}\0".encode())
    for right in rights:
        digest.update(json.dumps({
            "id": right.id, "organisation_id": right.organisation_id,
            "updated_at": right.updated_at.isoformat(), "brands": right.brands,
            "keywords": right.keywords, "office": right.office, "number": right.number,
            "reference_price": str(right.reference_price) if right.reference_price else None,
            "valid_from": str(right.valid_from), "valid_until": str(right.valid_until),
        }, sort_keys=True, ensure_ascii=False).encode() + b"\0")
    return f"rights:{digest.hexdigest()[:12]}"


@dataclass(frozen=True, slots=True)
class _Built:
    fingerprint: tuple[int, datetime | None, date]
    version: str
    rules: list[Rule]


def _data_dir(rules_dir: Path | None) -> Path | None:
    """Beside a custom RULES_DIR, its own data directory, as the screener reads it."""
    if rules_dir is None or Path(rules_dir) == DEFAULT_PACKS_DIR:
        return None
    sibling = Path(rules_dir).parent / "data"
    return sibling if sibling.is_dir() else None


class RightsRulesCache:
    """The rules of the rights in force, last built; shared by a process's screening threads."""

    def __init__(self, *, rules_dir: Path | None = None) -> None:
        self._data_dir = _data_dir(rules_dir)
        self._lock = threading.Lock()
        self._built: _Built | None = None

    def current(self, session: Session, *, today: date | None = None
                ) -> tuple[str, list[Rule]]:
        """The version and rules of the rights in force; one small query while nothing changed.

        Every change to a verified right sets its updated_at, so the count and the latest
        updated_at of verified rights (and the date, for rights starting or expiring) tell
        whether the rules built last time still hold.
        """
        today = today or warsaw_date()
        count, latest = session.execute(
            select(func.count(Right.id), func.max(Right.updated_at))
            .where(Right.status == RightStatus.VERIFIED.value)).one()
        fingerprint = (int(count), latest, today)
        built = self._built
        if built is not None and built.fingerprint == fingerprint:
            return built.version, built.rules
        with self._lock:
            if self._built is not None and self._built.fingerprint == fingerprint:
                return self._built.version, self._built.rules
            rights = list(session.scalars(
                select(Right).where(Right.status == RightStatus.VERIFIED.value)
                .order_by(Right.id)))
            in_force = [r for r in rights if _in_force(r, today)]
            rules = rules_for(in_force, today=today, data_dir=self._data_dir)
            self._built = _Built(fingerprint, _version(in_force), rules)
            return self._built.version, self._built.rules
