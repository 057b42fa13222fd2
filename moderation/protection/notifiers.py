"""Notifiers' standing: accuracy (fast track) and sanctions for manifestly unfounded notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from moderation import audit, outbox
from moderation.config import get_settings
from moderation.domain import NoticeOutcome, OrganisationKind
from moderation.errors import Forbidden
from moderation.tables import Notice, NoticeItem, Organisation, utcnow


@dataclass(frozen=True, slots=True)
class Standing:
    """How a notifier's notices fared over the window."""

    organisation_id: int
    name: str
    decided: int
    upheld: int
    unfounded: int
    warned_at: datetime | None
    suspended_until: datetime | None

    @property
    def accuracy(self) -> float | None:
        return self.upheld / self.decided if self.decided else None

    @property
    def trusted(self) -> bool:
        """Fast track: enough decided items, and enough of them upheld."""
        settings = get_settings()
        return (self.decided >= settings.trusted_min_decided and self.accuracy is not None
                and self.accuracy >= settings.trusted_accuracy)


def standings(session: Session, *, now: datetime | None = None,
              organisation_id: int | None = None) -> list[Standing]:
    """Every rights holder's standing (or one's), from its decided notice items."""
    settings = get_settings()
    now = now or utcnow()
    decided_since = now - timedelta(days=settings.accuracy_window_days)
    unfounded_since = now - timedelta(days=settings.unfounded_window_days)
    decided = and_(NoticeItem.decided_at >= decided_since,
                   NoticeItem.outcome.in_((NoticeOutcome.UPHELD.value,
                                           NoticeOutcome.REJECTED.value)))
    counts = (
        select(Notice.organisation_id,
               func.sum(case((decided, 1), else_=0)).label("decided"),
               func.sum(case((and_(decided, NoticeItem.outcome == NoticeOutcome.UPHELD.value), 1),
                             else_=0))
               .label("upheld"),
               func.sum(case((and_(NoticeItem.manifestly_unfounded,
                                   NoticeItem.decided_at >= unfounded_since), 1), else_=0))
               .label("unfounded"))
        .join(NoticeItem, NoticeItem.notice_id == Notice.id)
        .group_by(Notice.organisation_id)
        .subquery()
    )
    query = (
        select(Organisation, counts.c.decided, counts.c.upheld, counts.c.unfounded)
        .outerjoin(counts, counts.c.organisation_id == Organisation.id)
        .where(Organisation.kind == OrganisationKind.RIGHTS_HOLDER.value)
        .order_by(Organisation.name)
    )
    if organisation_id is not None:
        query = query.where(Organisation.id == organisation_id)
    return [Standing(org.id, org.name, int(d or 0), int(u or 0), int(f or 0), org.warned_at,
                     org.suspended_until)
            for org, d, u, f in session.execute(query)]


def standing_of(session: Session, organisation_id: int, *, now: datetime | None = None
                ) -> Standing:
    """One rights holder's standing."""
    found = standings(session, now=now, organisation_id=organisation_id)
    if not found:
        org = session.get(Organisation, organisation_id)
        name = org.name if org else str(organisation_id)
        return Standing(organisation_id, name, 0, 0, 0, None, None)
    return found[0]


def check_not_suspended(org: Organisation, now: datetime) -> None:
    """Refuse notices from a notifier suspended for manifestly unfounded notices."""
    if org.suspended_until is not None and org.suspended_until > now:
        raise Forbidden(
            f"notices from {org.name} are suspended until {org.suspended_until:%Y-%m-%d} "
            "after repeated manifestly unfounded notices (DSA art. 23)")


def apply_sanctions(session: Session, organisation_id: int, *, now: datetime | None = None
                    ) -> str | None:
    """Warn, then suspend, a notifier whose manifestly unfounded notices pile up.

    Returns "warned" or "suspended" when this call changed the notifier's standing.
    """
    settings = get_settings()
    now = now or utcnow()
    org = session.get(Organisation, organisation_id, with_for_update=True)
    assert org is not None
    unfounded = standing_of(session, organisation_id, now=now).unfounded
    suspended = org.suspended_until is not None and org.suspended_until > now
    if unfounded >= settings.unfounded_suspend_after and not suspended:
        before = {"suspended_until": None}
        org.suspended_until = now + timedelta(days=settings.notifier_suspension_days)
        audit.record(session, actor=audit.SYSTEM, action="notifier.suspended",
                     entity="organisation", entity_id=org.id, before=before,
                     after={"suspended_until": org.suspended_until.isoformat(),
                            "manifestly_unfounded": unfounded})
        outbox.notify(session, kind="notifier.suspended", recipient=f"organisation:{org.id}",
                      payload={"until": org.suspended_until.isoformat(),
                               "manifestly_unfounded": unfounded, "legal_basis": "DSA art. 23"})
        return "suspended"
    recently_warned = (org.warned_at is not None and org.warned_at
                       > now - timedelta(days=settings.unfounded_window_days))
    if unfounded >= settings.unfounded_warn_after and not recently_warned and not suspended:
        org.warned_at = now
        audit.record(session, actor=audit.SYSTEM, action="notifier.warned",
                     entity="organisation", entity_id=org.id,
                     after={"manifestly_unfounded": unfounded})
        outbox.notify(session, kind="notifier.warning", recipient=f"organisation:{org.id}",
                      payload={"manifestly_unfounded": unfounded,
                               "suspended_after": settings.unfounded_suspend_after,
                               "legal_basis": "DSA art. 23"})
        return "warned"
    return None
