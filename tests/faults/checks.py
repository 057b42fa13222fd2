"""What "nothing lost" means in the data, counted in one place for every fault test."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, text


@dataclass(frozen=True)
class Tally:
    offers: int
    screened: int  # offers with a screening of their current version
    blocked: int
    reviewed: int
    statements: int


def pending_offers(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM offers WHERE needs_screening")).scalar_one())


def stored_offers(engine: Engine, mids: list[str]) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM offers WHERE marketplace_id = ANY(:m)"), {"m": mids}
        ).scalar_one())


def assert_nothing_lost(engine: Engine, mids: list[str]) -> Tally:
    """Every offer stored and screened exactly once, one case per reviewed offer, one
    decision, statement and outbox message per blocked offer; return the counts."""
    with engine.connect() as conn:
        def scalar(sql: str) -> int:
            return int(conn.execute(text(sql), {"m": mids}).scalar_one() or 0)

        offers = scalar("SELECT count(*) FROM offers WHERE marketplace_id = ANY(:m)")
        assert offers == len(mids), f"{len(mids) - offers} offers never stored"
        assert scalar("SELECT count(*) FROM offers WHERE needs_screening") == 0
        # Exactly once: one screening row per offer (each was imported at one version).
        per_offer = conn.execute(text(
            "SELECT count(s.id) AS n FROM offers o LEFT JOIN screenings s ON s.offer_id = o.id "
            "AND s.offer_version = o.version WHERE o.marketplace_id = ANY(:m) "
            "GROUP BY o.id"), {"m": mids}).scalars().all()
        assert sorted(set(per_offer)) == [1], (
            f"screenings per offer: {sorted(set(per_offer))} (want exactly one each)")
        assert scalar("SELECT count(*) FROM screenings") == offers, "a screening twice"
        blocked = scalar("SELECT count(*) FROM screenings WHERE route = 'block'")
        reviewed = scalar("SELECT count(*) FROM screenings WHERE route = 'review'")
        # No duplicate cases: at most one screening case per offer, one per review.
        assert scalar("SELECT count(*) FROM (SELECT offer_id FROM cases "
                      "WHERE kind = 'screening' GROUP BY offer_id HAVING count(*) > 1) d") == 0
        assert scalar("SELECT count(*) FROM cases WHERE kind = 'screening'") == reviewed
        assert scalar("SELECT count(*) FROM (SELECT offer_id FROM cases "
                      "GROUP BY offer_id, kind HAVING count(*) > 1) d") == 0
        # Every block: one automated decision, one statement, one message to the seller.
        decisions = scalar("SELECT count(*) FROM decisions WHERE automated")
        assert decisions == blocked
        assert scalar("SELECT count(DISTINCT offer_id) FROM decisions WHERE automated") == blocked
        statements = scalar("SELECT count(*) FROM statements s JOIN decisions d "
                            "ON d.id = s.decision_id WHERE d.automated")
        assert statements == blocked, "a statement of reasons missing or written twice"
        messages = conn.execute(text(
            "SELECT s.puid, count(m.id) FROM statements s LEFT JOIN outbox m "
            "ON m.payload::jsonb ->> 'puid' = s.puid GROUP BY s.puid")).all()
        assert {n for _, n in messages} == {1}, "an outbox message lost or written twice"
    return Tally(offers=offers, screened=len(per_offer), blocked=blocked, reviewed=reviewed,
                 statements=statements)


def assert_alerts_matched(engine: Engine) -> tuple[int, int]:
    """Every active alert matched; (alerts, matches), no match recorded twice."""
    with engine.connect() as conn:
        alerts = int(conn.execute(text(
            "SELECT count(*) FROM safety_alerts WHERE status = 'active'")).scalar_one())
        unmatched = int(conn.execute(text(
            "SELECT count(*) FROM safety_alerts WHERE status = 'active' "
            "AND matched_at IS NULL")).scalar_one())
        matches = int(conn.execute(text("SELECT count(*) FROM safety_matches")).scalar_one())
        safety_cases = conn.execute(text(
            "SELECT offer_id, count(*) FROM cases WHERE kind = 'safety' "
            "GROUP BY offer_id HAVING count(*) > 1")).all()
    assert alerts > 0
    assert unmatched == 0, f"{unmatched} of {alerts} alerts never matched"
    assert safety_cases == [], "an offer got two safety cases"
    return alerts, matches


def stored_alerts(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM safety_alerts")).scalar_one())


def assert_alerts_stored_once(engine: Engine, numbers: list[str]) -> None:
    """Every alert number of the file stored, once, and its arrival audited once."""
    with engine.connect() as conn:
        stored = conn.execute(text(
            "SELECT number, count(*) FROM safety_alerts GROUP BY number")).all()
        received = conn.execute(text(
            "SELECT entity_id, count(*) FROM audit_log WHERE action = 'alert.received' "
            "GROUP BY entity_id")).all()
    assert sorted(n for n, _ in stored) == sorted(numbers), "an alert lost or unknown"
    assert {c for _, c in stored} == {1}, "an alert stored twice"
    assert len(received) == len(numbers) and {c for _, c in received} == {1}, (
        "an alert's arrival audited twice or not at all")
