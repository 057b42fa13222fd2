"""Notices from rights holders (DSA art. 16): checked, acknowledged, turned into cases."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from moderation import audit, outbox, policy
from moderation.cases import Origin, open_or_join
from moderation.config import get_settings
from moderation.domain import CaseKind, NoticeOutcome, NoticeStatus, SourceKind
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.local_time import warsaw_date
from moderation.protection.notifiers import check_not_suspended, standing_of
from moderation.protection.rights import usable_right
from moderation.schemas import Email, Id, Text
from moderation.tables import (
    Notice,
    NoticeItem,
    Offer,
    Organisation,
    RightsCatch,
    utcnow,
)

NOTICE_KINDS = ("counterfeit", "logo", "copyright", "design", "patent", "other")


class NotifierIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[Text, StringConstraints(min_length=1, max_length=200)]
    email: Email


class NoticeIn(BaseModel):
    """A notice as sent: every field is required, and all missing ones are named at once."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    right_id: Id
    kind: Literal["counterfeit", "logo", "copyright", "design", "patent", "other"]
    offers: list[Annotated[Text, StringConstraints(min_length=1, max_length=500)]] = Field(
        min_length=1)
    explanation: Annotated[Text, StringConstraints(min_length=20, max_length=10_000)]
    notifier: NotifierIn
    good_faith: bool

    @field_validator("good_faith")
    @classmethod
    def _must_state_good_faith(cls, value: bool) -> bool:
        if not value:
            raise ValueError("the notice must state the notifier's good-faith belief (DSA "
                             "art. 16(2)(d))")
        return value


@dataclass(frozen=True, slots=True)
class Receipt:
    notice: Notice
    items: list[NoticeItem]
    merged: int  # offers whose open case took the notice in


def candidates(ref: str) -> list[str]:
    """Marketplace ids an offer reference may stand for: the id itself, or from an offer URL.

    Offer URLs end in "<slug>-<id>" or "<id>"; ids may hold hyphens themselves, so every
    tail of the last path segment is a candidate and the database says which exists.
    """
    if not re.match(r"^https?://", ref):
        return [ref]
    try:
        path = urlsplit(ref).path
    except ValueError:  # "http://[..." is no URL (a bad IPv6 host): no offer it could name
        return [ref]
    segment = path.rstrip("/").rsplit("/", 1)[-1]
    parts = segment.split("-")
    return ["-".join(parts[i:]) for i in range(len(parts)) if parts[i]]


def resolve_offers(session: Session, refs: Sequence[str]) -> list[Offer]:
    """The offers named by ids or URLs, in order; unknown or repeated ones are an error."""
    wanted = {ref: candidates(ref) for ref in refs}
    every = {c for cs in wanted.values() for c in cs}
    found = {o.marketplace_id: o for o in session.scalars(
        select(Offer).where(Offer.marketplace_id.in_(every)))} if every else {}
    unknown = [ref for ref, cs in wanted.items() if not any(c in found for c in cs)]
    if unknown:
        shown = ", ".join(unknown[:20]) + (" ..." if len(unknown) > 20 else "")
        raise InvalidInput(f"{len(unknown)} offer(s) not found: {shown}", field="offers")
    offers = [next(found[c] for c in wanted[ref] if c in found) for ref in refs]
    seen: dict[int, str] = {}
    repeated = []
    for ref, offer in zip(refs, offers, strict=True):
        if offer.id in seen:
            repeated.append(f"{ref} (= {seen[offer.id]})")
        seen.setdefault(offer.id, ref)
    if repeated:
        raise InvalidInput(f"offers named twice: {', '.join(repeated[:20])}", field="offers")
    return offers


def submit(session: Session, *, organisation_id: int, submitted_by: int | None,
           data: NoticeIn, now: datetime | None = None) -> Receipt:
    """Take a notice: check it whole, store it, open or join one case per offer, acknowledge.

    Nothing is stored unless everything checks out.
    """
    settings = get_settings()
    now = now or utcnow()
    # Locked: an organisation's notices queue up here, so each one's "already reported"
    # check sees the one before it (NO KEY UPDATE: rows that merely refer to the
    # organisation are not held up). SQLite lets one writer in at a time anyway.
    org = session.get(Organisation, organisation_id, with_for_update={"key_share": True})
    if org is None:
        raise NotFound(f"organisation {organisation_id} not found")
    check_not_suspended(org, now)
    if len(data.offers) > settings.max_notice_offers:
        raise InvalidInput(f"a notice names at most {settings.max_notice_offers} offers; "
                           f"this one names {len(data.offers)}: split it", field="offers")
    right = usable_right(session, right_id=data.right_id, organisation_id=organisation_id,
                         today=warsaw_date(now))
    offers = resolve_offers(session, data.offers)
    _refuse_reported_twice(session, organisation_id, [o.id for o in offers])

    trusted = standing_of(session, organisation_id, now=now).trusted
    priority, due_in = policy.notice_case(
        trusted=trusted, fast_track_due=timedelta(hours=settings.fast_track_due_hours),
        ordinary_due=timedelta(hours=settings.notice_due_hours))
    due_at = now + due_in
    notice = Notice(reference="pending", organisation_id=organisation_id, right_id=right.id,
                    submitted_by=submitted_by, kind=data.kind, explanation=data.explanation,
                    notifier_name=data.notifier.name, notifier_email=data.notifier.email,
                    good_faith=data.good_faith, fast_track=trusted, status=NoticeStatus.OPEN.value,
                    received_at=now)
    session.add(notice)
    session.flush()
    notice.reference = f"N-{now:%Y}-{notice.id:06d}"
    case_ids, merged = open_or_join(
        session, [o.id for o in offers], kind=CaseKind.NOTICE.value,
        reason_code=f"NOTICE_{notice.kind.upper()}", source="notice", priority=priority,
        due_at=due_at, now=now,
        origin=Origin(SourceKind.NOTICE, {"notice": notice.reference}, notice_id=notice.id,
                      organisation_id=organisation_id))
    items = list(session.scalars(
        insert(NoticeItem).returning(NoticeItem, sort_by_parameter_order=True),
        [{"notice_id": notice.id, "offer_id": o.id, "case_id": cid,
          "outcome": NoticeOutcome.PENDING.value, "manifestly_unfounded": False}
         for o, cid in zip(offers, case_ids, strict=True)]))
    audit.record(session, actor=audit.actor_of(submitted_by), action="notice.received",
                 entity="notice", entity_id=notice.id,
                 after={"reference": notice.reference, "offers": len(offers),
                        "right_id": right.id, "fast_track": trusted, "merged": merged})
    outbox.notify(session, kind="notifier.acknowledgement",
                  recipient=f"email:{notice.notifier_email}",
                  payload={"reference": notice.reference, "received_at": now.isoformat(),
                           "offers": len(offers), "fast_track": trusted,
                           "due_by": due_at.isoformat()})
    session.flush()
    return Receipt(notice, items, merged)


def _refuse_reported_twice(session: Session, organisation_id: int, offer_ids: list[int]) -> None:
    pending = session.execute(
        select(Offer.marketplace_id, Notice.reference)
        .join(NoticeItem, NoticeItem.offer_id == Offer.id)
        .join(Notice, Notice.id == NoticeItem.notice_id)
        .where(Notice.organisation_id == organisation_id,
               NoticeItem.outcome == NoticeOutcome.PENDING.value,
               NoticeItem.offer_id.in_(offer_ids))
    ).all()
    if pending:
        shown = ", ".join(f"{mid} ({ref})" for mid, ref in pending[:20])
        raise Conflict(f"already reported by your organisation and still under review: {shown}",
                       field="offers")


def get_notice(session: Session, reference: str, *, organisation_id: int | None) -> Notice:
    """A notice by reference; another organisation's is not found (nothing leaks)."""
    query = select(Notice).where(Notice.reference == reference)
    if organisation_id is not None:
        query = query.where(Notice.organisation_id == organisation_id)
    notice = session.scalar(query)
    if notice is None:
        raise NotFound(f"notice {reference} not found")
    return notice


def list_notices(session: Session, *, organisation_id: int | None, limit: int = 100,
                 offset: int = 0) -> list[Notice]:
    """Notices, newest first; a rights holder's own only."""
    query = select(Notice).order_by(Notice.id.desc()).limit(limit).offset(offset)
    if organisation_id is not None:
        query = query.where(Notice.organisation_id == organisation_id)
    return list(session.scalars(query))


def items_of(session: Session, notice_id: int) -> list[tuple[NoticeItem, Offer]]:
    """A notice's offers with what became of each."""
    rows = session.execute(
        select(NoticeItem, Offer).join(Offer, Offer.id == NoticeItem.offer_id)
        .where(NoticeItem.notice_id == notice_id).order_by(NoticeItem.id))
    return [(item, offer) for item, offer in rows]


def caught_offers(session: Session, *, organisation_id: int, limit: int = 100
                  ) -> list[tuple[RightsCatch, Offer]]:
    """Offers the organisation's verified brands caught at screening, newest first."""
    rows = session.execute(
        select(RightsCatch, Offer).join(Offer, Offer.id == RightsCatch.offer_id)
        .where(RightsCatch.organisation_id == organisation_id)
        .order_by(RightsCatch.id.desc()).limit(limit))
    return [(catch, offer) for catch, offer in rows]
