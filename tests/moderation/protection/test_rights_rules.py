"""Proactive protection: verified rights become screening rules, and their version follows them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import yaml
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from moderation import local_time
from moderation.domain import StaffRole
from moderation.protection import rights
from moderation.protection.rights import RightIn
from moderation.protection.rights_rules import (
    NEGATIONS,
    RightsRulesCache,
    right_id_of,
    rules_for,
)
from moderation.tables import Right, utcnow
from rules.engine import RuleSet
from rules.loader import DEFAULT_PACKS_DIR, load_ruleset
from rules.types import Hit, OfferText, Outcome
from tests.factories import make_staff

TODAY = date(2025, 6, 1)
PDF = b"%PDF-1.4\n%%EOF\n"


def a_right(right_id: int = 7, **overrides: Any) -> Right:
    """A right as the registry keeps it, not stored."""
    values: dict[str, Any] = {
        "id": right_id, "organisation_id": 3, "type": "trademark", "office": "EUIPO",
        "number": f"0180{right_id}", "owner": "Wittchenx S.A.", "territory": "EU",
        "valid_from": None, "valid_until": None, "brands": ["Wittchenx"], "keywords": [],
        "reference_price": Decimal("600.00"), "agent": False, "status": "verified",
        "updated_at": datetime(2025, 5, 1, tzinfo=UTC),
    }
    values.update(overrides)
    return Right(**values)


@pytest.fixture(scope="module")
def shipped() -> RuleSet:
    return load_ruleset()


def screened(ruleset: RuleSet, rights_: list[Right], offer: OfferText) -> list[Hit]:
    """Hits of the rights' rules on top of the shipped packs."""
    extended = ruleset.with_rules(rules_for(rights_, today=TODAY), "rights:test")
    return [h for h in extended.evaluate(offer) if h.rule_id.startswith("rights.")]


OFFERS: list[tuple[str, OfferText, list[str]]] = [
    ("marker and brand", OfferText(title="Torebka Wittchenx replika"), ["rights.r7.marker"]),
    ("genuine goods", OfferText(title="Torebka Wittchenx skórzana oryginalna"), []),
    ("marker in the description, brand field",
     OfferText(title="Torebka damska", description="Wierna podróbka.", brand="Wittchenx"),
     ["rights.r7.marker"]),
    ("negated marker", OfferText(title="Torebka Wittchenx oryginalna, nie podróbka"), []),
    ("lawful copy", OfferText(title="Rekwizyt filmowy replika torebki Wittchenx"), []),
    ("marker, another brand", OfferText(title="Torebka Kross replika"), []),
    ("far below the reference price", OfferText(title="Wittchenx torebka", price=50.0),
     ["rights.r7.price"]),
    ("near the reference price", OfferText(title="Wittchenx torebka", price=550.0), []),
    ("an accessory is cheap", OfferText(title="Etui na karty Wittchenx", price=20.0), []),
    ("made to fit the brand", OfferText(title="Pasek do Wittchenx", price=20.0), []),
]


@pytest.mark.parametrize(("name", "offer", "expected"), OFFERS, ids=[o[0] for o in OFFERS])
def test_a_verified_right_protects_its_brand(shipped: RuleSet, name: str, offer: OfferText,
                                             expected: list[str]) -> None:
    assert [h.rule_id for h in screened(shipped, [a_right()], offer)] == expected


def test_hits_go_to_review_with_the_rights_reason(shipped: RuleSet) -> None:
    [marker] = screened(shipped, [a_right()], OfferText(title="Torebka Wittchenx replika"))
    [price] = screened(shipped, [a_right()], OfferText(title="Wittchenx torebka", price=50.0))
    assert (marker.outcome, marker.priority, marker.severity.value, marker.reason_code) == (
        Outcome.REVIEW, 2, "high", "RIGHTS_HOLDER_BRAND_MARKER")
    assert (price.outcome, price.priority, price.reason_code) == (
        Outcome.REVIEW, 2, "RIGHTS_HOLDER_BRAND_LOW_PRICE")
    assert {marker.statement_category, price.statement_category} == {
        "STATEMENT_CATEGORY_INTELLECTUAL_PROPERTY_INFRINGEMENTS"}
    assert [s.text for s in marker.spans] == ["Wittchenx", "replika"]
    assert price.detail == "price 50.00 < 30% of 600.00 (Wittchenx)"


def test_keywords_count_for_markers_and_brands_for_prices(shipped: RuleSet) -> None:
    right = a_right(brands=[], keywords=["Neverfullx"])
    assert [r.id for r in rules_for([right], today=TODAY)] == ["rights.r7.marker"]
    hits = screened(shipped, [right], OfferText(title="Neverfullx replika", price=20.0))
    assert [h.rule_id for h in hits] == ["rights.r7.marker"]


NO_RULES: list[tuple[str, dict[str, Any]]] = [
    ("pending", {"status": "pending"}),
    ("rejected", {"status": "rejected"}),
    ("expired", {"valid_until": date(2025, 5, 31)}),
    ("not yet valid", {"valid_from": date(2025, 6, 2)}),
    ("nothing to look for", {"type": "patent", "brands": [], "keywords": []}),
]


@pytest.mark.parametrize(("name", "overrides"), NO_RULES, ids=[n[0] for n in NO_RULES])
def test_rights_not_in_force_make_no_rules(name: str, overrides: dict[str, Any]) -> None:
    assert rules_for([a_right(**overrides)], today=TODAY) == []


def test_rules_without_a_reference_price_only_look_for_markers() -> None:
    rules = rules_for([a_right(reference_price=None), a_right(8, valid_until=TODAY)],
                      today=TODAY)
    assert [r.id for r in rules] == ["rights.r7.marker", "rights.r8.marker", "rights.r8.price"]
    assert {r.source for r in rules} == {"rights:3"}


def test_negations_are_those_of_the_counterfeit_pack() -> None:
    pack = yaml.safe_load((DEFAULT_PACKS_DIR / "counterfeit.yaml").read_text())
    [rule] = [r for r in pack["rules"] if r["id"] == "counterfeit.marker_with_brand"]
    assert rule["when"]["all"][0]["unless_preceded_by"] == NEGATIONS


@pytest.mark.parametrize(("rule_id", "expected"), [
    ("rights.r42.marker", 42), ("rights.r7.price", 7), ("counterfeit.marker_with_brand", None),
    ("rights.rx.marker", None), ("xrights.r1.marker", None),
])
def test_right_id_of(rule_id: str, expected: int | None) -> None:
    assert right_id_of(rule_id) == expected


@pytest.fixture
def fresh() -> RightsRulesCache:
    """The rights rules of a worker starting now: nothing built yet."""
    return RightsRulesCache()


def _verified(session: Session, **overrides: Any) -> Right:
    member = make_staff(session, StaffRole.RIGHTS_HOLDER).staff
    assert member.organisation_id is not None
    data = {"type": "trademark", "office": "EUIPO", "number": f"N{member.id}",
            "owner": "Wittchenx S.A.", "territory": "EU", "brands": ["Wittchenx"],
            "reference_price": "600", **overrides}
    right = rights.register_right(session, organisation_id=member.organisation_id,
                                  actor_id=member.id, data=RightIn.model_validate(data))
    rights.add_document(session, right_id=right.id, organisation_id=member.organisation_id,
                        actor_id=member.id, kind="registration_certificate", filename="c.pdf",
                        content_type="application/pdf", content=PDF)
    return right


def test_current_rules_follow_verifications_and_changes(session: Session,
                                                        fresh: RightsRulesCache) -> None:
    lead = make_staff(session, StaffRole.LEAD).staff
    right = _verified(session)
    empty_version, empty = fresh.current(session)
    assert empty == [] and empty_version.startswith("rights:")
    rights.verify_right(session, right_id=right.id, staff_id=lead.id, approve=True, note="")
    verified_version, built = fresh.current(session)
    assert verified_version != empty_version and len(verified_version) == len("rights:") + 12
    assert [r.id for r in built] == [f"rights.r{right.id}.marker", f"rights.r{right.id}.price"]

    right.brands, right.updated_at = ["Wittchenx", "Witt Bags"], utcnow()
    session.flush()
    changed_version, changed = fresh.current(session)
    assert changed_version != verified_version
    ruleset = load_ruleset().with_rules(changed, changed_version)
    assert any(h.rule_id == f"rights.r{right.id}.marker"
               for h in ruleset.evaluate(OfferText(title="Witt Bags replika")))

    pending = _verified(session, number="other")  # registered, not verified: nothing changes
    assert pending.status == "pending"
    assert fresh.current(session)[0] == changed_version


def test_unchanged_rights_cost_one_small_query(session: Session, connection: Connection,
                                               fresh: RightsRulesCache) -> None:
    lead = make_staff(session, StaffRole.LEAD).staff
    right = _verified(session)
    rights.verify_right(session, right_id=right.id, staff_id=lead.id, approve=True, note="")
    first = fresh.current(session)
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(connection, "before_cursor_execute", seen)
    try:
        again = fresh.current(session)
    finally:
        event.remove(connection, "before_cursor_execute", seen)
    assert again[0] == first[0] and again[1] is first[1]
    assert len(statements) == 1 and "count" in statements[0].lower()


def test_a_right_that_expires_drops_out_the_next_day(session: Session,
                                                     fresh: RightsRulesCache) -> None:
    lead = make_staff(session, StaffRole.LEAD).staff
    right = _verified(session, valid_until="2025-06-01")
    rights.verify_right(session, right_id=right.id, staff_id=lead.id, approve=True, note="")
    today_version, today_rules = fresh.current(session, today=TODAY)
    tomorrow_version, tomorrow_rules = fresh.current(session, today=date(2025, 6, 2))
    assert len(today_rules) == 2 and tomorrow_rules == []
    assert today_version != tomorrow_version


@pytest.mark.parametrize(("now", "in_force"), [
    (datetime(2025, 12, 31, 22, 30, tzinfo=UTC), True),  # 23:30 in Warsaw: still its last day
    (datetime(2025, 12, 31, 23, 30, tzinfo=UTC), False),  # 00:30 on 1 January in Warsaw
    (datetime(2025, 6, 30, 21, 30, tzinfo=UTC), True),  # summer time: 23:30 in Warsaw
    (datetime(2025, 6, 30, 22, 30, tzinfo=UTC), False),
], ids=["winter-last-hour", "winter-next-day", "summer-last-hour", "summer-next-day"])
def test_a_right_is_in_force_until_midnight_in_warsaw(monkeypatch: pytest.MonkeyPatch,
                                                      now: datetime, in_force: bool) -> None:
    # Before, "today" was the UTC date: a right stayed in force one or two hours into the
    # day after it ended.
    monkeypatch.setattr(local_time, "utcnow", lambda: now)
    last_day = (now - timedelta(hours=3)).date()  # the day the right ends, in both zones
    assert bool(rules_for([a_right(valid_until=last_day)])) is in_force
