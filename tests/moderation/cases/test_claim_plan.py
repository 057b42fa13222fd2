"""The claim statement reads its partial indexes under any plan PostgreSQL may choose.

psycopg prepares a statement on its fifth run, and PostgreSQL may then switch to a generic
plan, which cannot see the parameters' values: the plan must not depend on them.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Select, insert, text
from sqlalchemy.orm import Session

from moderation import cases
from moderation.cases.leases import claim_params, claim_statement
from moderation.db import make_engine
from moderation.domain import CaseKind, CaseStatus
from moderation.tables import Case, utcnow
from tests.factories import make_offer, make_staff

CASES = 3000


def _sql_literal(value: Any) -> str:
    if isinstance(value, bool | int):
        return str(int(value))
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'::timestamptz"
    if isinstance(value, dict):
        return "'" + json.dumps(value).replace("'", "''") + "'::json"
    return "'" + str(value).replace("'", "''") + "'"


def _prepare(session: Session, name: str, *, by_kind: bool, params: dict[str, Any]) -> str:
    """PREPARE the statement claim_next sends; return the EXECUTE of it with these values."""
    statement = claim_statement(by_kind=by_kind, postgres=True)
    assert isinstance(statement, Select)
    dialect = make_engine("postgresql+psycopg://").dialect
    values = statement.params(params).compile(dialect=dialect).params
    compiled = statement.params(params).compile(dialect=dialect,
                                                compile_kwargs={"render_postcompile": True})
    names = compiled.positiontup or []
    order = list(dict.fromkeys(names))
    numbered = iter(f"${order.index(n) + 1}" for n in names)
    sql = re.sub(r"%s", lambda _m: next(numbered), compiled.string)
    session.execute(text(f"PREPARE {name} AS {sql}".replace(":", r"\:")))
    return f"EXECUTE {name}({', '.join(_sql_literal(values[n]) for n in order)})"


@pytest.fixture
def busy_queue(session: Session) -> dict[str, Any]:
    """A queue of thousands of open cases, some leased, a few lapsed, some closed; ANALYZEd."""
    offer = make_offer(session)
    staff = [make_staff(session).staff.id for _ in range(3)]
    now = utcnow()
    rows = []
    for i in range(CASES):
        leased = i % 60 == 0
        rows.append({
            "kind": CaseKind.NOTICE.value if i % 10 == 0 else CaseKind.SCREENING.value,
            "offer_id": offer.id, "status": (CaseStatus.CLOSED.value if i % 7 == 0
                                             else CaseStatus.OPEN.value),
            "priority": 1 + i % 5, "reason_code": "PLAN", "source": "rules",
            "due_at": now + timedelta(hours=i % 48), "opened_at": now,
            "lease_holder_id": staff[i % 3] if leased else None,
            "lease_expires_at": (now + timedelta(minutes=-1 if i % 300 == 0 else 5)
                                 if leased else None)})
    session.execute(insert(Case), rows)
    session.execute(text("ANALYZE cases"))
    return {"staff_id": staff[0], "now": now}


@pytest.mark.parametrize("by_kind", [False, True], ids=["any kind", "one kind"])
@pytest.mark.parametrize("plan", ["force_custom_plan", "force_generic_plan"])
def test_the_claim_walks_the_claim_indexes_under_any_plan(
        session: Session, busy_queue: dict[str, Any], by_kind: bool, plan: str) -> None:
    params = claim_params(staff_id=busy_queue["staff_id"], lease=timedelta(minutes=5),
                          now=busy_queue["now"],
                          kind=CaseKind.NOTICE.value if by_kind else None)
    execute = _prepare(session, "claim_plan", by_kind=by_kind, params=params)
    try:
        session.execute(text(f"SET LOCAL plan_cache_mode = {plan}"))
        lines = session.scalars(text(f"EXPLAIN {execute}")).all()
    finally:
        session.execute(text("DEALLOCATE claim_plan"))
        session.execute(text("RESET plan_cache_mode"))
    explained = "\n".join(lines)
    free = "ix_cases_claimable_kind" if by_kind else "ix_cases_claimable "
    assert re.search(rf"Index Scan using {free.strip()} on cases\b", explained), explained
    assert "Index Scan using ix_cases_leased on cases" in explained, explained
    assert "Seq Scan" not in explained, explained
    # No sort of the whole queue: the free case is the first entry of its index.
    assert "Sort Key: cases" not in explained.split("CTE lapsed")[0], explained


def test_prepared_claims_still_hand_out_in_queue_order(session: Session,
                                                       busy_queue: dict[str, Any]) -> None:
    """Under a generic plan, as past psycopg's prepare threshold, claims keep queue order."""
    session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    try:
        got = [cases.claim_next(session, staff_id=busy_queue["staff_id"],
                                lease=timedelta(minutes=5)) for _ in range(8)]
    finally:
        session.execute(text("RESET plan_cache_mode"))
    claimed = [c for c in got if c is not None]
    assert len({c.id for c in claimed}) == 8
    keys = [(c.priority, c.due_at, c.id) for c in claimed]
    assert keys == sorted(keys)
