"""Buyers' and sellers' accounts as registration tells them: activation, age, accepted terms.

The marketplace sends an account event with the time it saw the account so. Events may come
late or twice: each is applied by its external id, once; one older than the last applied
changes nothing (stale), and a field it does not send keeps what is known. Only a change is
audited, so a resend leaves no trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from moderation import audit
from moderation.buyers.schemas import AccountIn, BuyerAccountIn
from moderation.tables import Buyer, Seller, utcnow

# What an account event may set, on both kinds of account; buyers add their subscription.
_FIELDS = ("account_created_at", "activated", "activated_at", "terms_version",
           "terms_accepted_at")
_BUYER_FIELDS = (*_FIELDS, "subscription_until")


class AccountOutcome(StrEnum):
    CREATED = "created"  # the account was not known before
    UPDATED = "updated"  # known, and this event changed it
    UNCHANGED = "unchanged"  # known, and this event said what was known (a resend)
    STALE = "stale"  # a newer event was applied before: nothing changed


@dataclass(frozen=True, slots=True)
class AccountResult:
    account: Buyer | Seller
    outcome: AccountOutcome


def upsert_buyer(session: Session, external_id: str, event: BuyerAccountIn | None, *,
                 actor: str = audit.SYSTEM) -> AccountResult:
    """Create or update a buyer's account from an event (None: only make sure it exists)."""
    row, created = _locked(session, Buyer, external_id)
    result = _apply(session, row, event, _BUYER_FIELDS, created=created, entity="buyer",
                    actor=actor)
    if result.outcome is AccountOutcome.UPDATED:
        row.updated_at = utcnow()
    return result


def upsert_seller(session: Session, external_id: str, event: AccountIn, *,
                  actor: str = audit.SYSTEM) -> AccountResult:
    """Create or update a seller's account from an event; an unknown seller is created."""
    row, created = _locked(session, Seller, external_id)
    return _apply(session, row, event, _FIELDS, created=created, entity="seller", actor=actor)


def _locked(session: Session, table: type[Buyer] | type[Seller], external_id: str
            ) -> tuple[Any, bool]:
    """The account's row (and whether this call inserted it), locked against a concurrent
    event.

    INSERT ... ON CONFLICT DO NOTHING first: two events creating the same account wait on
    each other instead of one failing on the unique key.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values: dict[str, Any] = {"external_id": external_id, "created_at": utcnow()}
    if table is Seller:
        values["strikes"] = 0
    else:
        values["updated_at"] = values["created_at"]
    new_id = session.execute(insert(table).values(**values)
                             .on_conflict_do_nothing(index_elements=["external_id"])
                             .returning(table.id)).scalar()
    row = session.scalars(select(table).where(table.external_id == external_id)
                          .with_for_update().execution_options(populate_existing=True)).one()
    return row, new_id is not None


def _apply(session: Session, row: Buyer | Seller, event: AccountIn | None,
           fields: tuple[str, ...], *, created: bool, entity: str, actor: str
           ) -> AccountResult:
    if event is None:
        return AccountResult(row, AccountOutcome.CREATED if created else AccountOutcome.UNCHANGED)
    if row.account_event_at is not None and event.at < row.account_event_at:
        return AccountResult(row, AccountOutcome.STALE)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in fields:
        value = getattr(event, name)
        if value is None or value == getattr(row, name):
            continue  # not said, or said again: what is known stands
        before[name], after[name] = getattr(row, name), value
        setattr(row, name, value)
    row.account_event_at = max(event.at, row.account_event_at or event.at)
    session.flush()
    if after:
        audit.record(session, actor=actor, action=f"{entity}.account", entity=entity,
                     entity_id=row.id, before=_json(before) if not created else None,
                     after=_json(after))
    if created:
        return AccountResult(row, AccountOutcome.CREATED)
    return AccountResult(row, AccountOutcome.UPDATED if after else AccountOutcome.UNCHANGED)


def _json(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
