"""What the API shows of rights holders' notices, their catches and notifiers' standing."""

from __future__ import annotations

from datetime import datetime

from pydantic import AliasChoices, Field

from api.schemas.base import Schema
from moderation.tables import Notice, NoticeItem, Offer, RightsCatch


class OfferBrief(Schema):
    id: int
    marketplace_id: str
    title: str
    status: str


class NotifierView(Schema):
    name: str
    email: str


class NoticeSummary(Schema):
    reference: str
    kind: str
    right_id: int
    status: str
    fast_track: bool
    received_at: datetime
    closed_at: datetime | None
    notifier: NotifierView

    @classmethod
    def fields_of(cls, notice: Notice) -> dict[str, object]:
        """The notice's own columns, with the notifier's two as one object."""
        return {"reference": notice.reference, "kind": notice.kind, "right_id": notice.right_id,
                "status": notice.status, "fast_track": notice.fast_track,
                "received_at": notice.received_at, "closed_at": notice.closed_at,
                "notifier": NotifierView(name=notice.notifier_name, email=notice.notifier_email)}

    @classmethod
    def of(cls, notice: Notice) -> NoticeSummary:
        return cls.model_validate(cls.fields_of(notice))


class NoticeItemView(Schema):
    """One offer a notice names, and what became of it."""

    offer: OfferBrief
    case_id: int | None
    outcome: str
    decided_at: datetime | None

    @classmethod
    def of(cls, item: NoticeItem, offer: Offer) -> NoticeItemView:
        return cls(offer=OfferBrief.model_validate(offer), case_id=item.case_id,
                   outcome=item.outcome, decided_at=item.decided_at)


class NoticeDetail(NoticeSummary):
    items: list[NoticeItemView]

    @classmethod
    def with_items(cls, notice: Notice, items: list[tuple[NoticeItem, Offer]]) -> NoticeDetail:
        return cls.model_validate({**cls.fields_of(notice),
                                   "items": [NoticeItemView.of(i, o) for i, o in items]})


class NoticeReceipt(NoticeDetail):
    """The notice as taken: its reference, and one case per offer."""

    merged_into_open_cases: int = Field(description="Offers whose open case took the notice in")

    @classmethod
    def of_receipt(cls, notice: Notice, items: list[tuple[NoticeItem, Offer]], *,
                   merged: int) -> NoticeReceipt:
        return cls.model_validate({**cls.fields_of(notice),
                                   "items": [NoticeItemView.of(i, o) for i, o in items],
                                   "merged_into_open_cases": merged})


class NoticeList(Schema):
    items: list[NoticeSummary]


class CaughtOffer(Schema):
    """An offer a verified brand of the caller's caught at screening."""

    offer: OfferBrief
    right_id: int
    rule_id: str
    caught_at: datetime

    @classmethod
    def of(cls, catch: RightsCatch, offer: Offer) -> CaughtOffer:
        return cls(offer=OfferBrief.model_validate(offer), right_id=catch.right_id,
                   rule_id=catch.rule_id, caught_at=catch.created_at)


class CaughtOfferList(Schema):
    items: list[CaughtOffer]


class NotifierStanding(Schema):
    """A rights holder's accuracy over the window, fast track and sanctions."""

    organisation_id: int
    name: str
    decided: int
    upheld: int
    accuracy: float | None
    trusted: bool
    manifestly_unfounded: int = Field(
        validation_alias=AliasChoices("manifestly_unfounded", "unfounded"))
    warned_at: datetime | None
    suspended_until: datetime | None


class NotifierStandingList(Schema):
    items: list[NotifierStanding]
