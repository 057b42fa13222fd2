"""Which notices stand behind a case: one answer, whichever programme opened or joined it.

Evidence, decisions and counter-notices each used to ask this their own way (the case's
notice sources; whether it has a notice source at all; its sources or the notice items
naming it). The three are kept here as queries, to show that they agree with the one
answer (`cases.notices_behind`) on every way a case comes about.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, union
from sqlalchemy.orm import Session

from moderation import cases
from moderation.cases import Origin
from moderation.domain import CaseKind, SourceKind
from moderation.protection import counter_notices
from moderation.protection.counter_notices import CounterNoticeIn
from moderation.review import evidence
from moderation.tables import Case, CaseSource, NoticeItem, utcnow
from tests.factories import make_case, make_offer
from tests.notice_builders import remove_on_notice
from tests.rights_builders import offers, rights_holder, send_notice, verified_right


def _notice_sources(session: Session, case_id: int) -> list[int]:
    """Evidence's former answer: the notices joined to the case as sources."""
    return list(session.scalars(select(CaseSource.notice_id).where(
        CaseSource.case_id == case_id, CaseSource.notice_id.is_not(None))
        .order_by(CaseSource.notice_id)))


def _has_notice_source(session: Session, case_id: int) -> bool:
    """Decisions' and counter-notices' former answer: is any source of the case a notice."""
    return session.scalar(select(CaseSource.id).where(
        CaseSource.case_id == case_id, CaseSource.kind == SourceKind.NOTICE.value).limit(1)
    ) is not None


def _sources_or_items(session: Session, case_id: int) -> list[int]:
    """The counter-notice outcome's former answer: sources, or notice items naming the case."""
    ids = union(
        select(CaseSource.notice_id).where(CaseSource.case_id == case_id,
                                           CaseSource.notice_id.is_not(None)),
        select(NoticeItem.notice_id).where(NoticeItem.case_id == case_id),
    ).subquery()
    return sorted(session.scalars(select(ids.c.notice_id)))


def _every_way_a_case_comes_about(session: Session) -> tuple[dict[str, Case], dict[str, int]]:
    first_org, _ = rights_holder(session)
    second_org, _ = rights_holder(session)
    screened, joined = make_case(session), make_case(session)
    named = offers(session, 1)[0]
    first = send_notice(session, first_org, verified_right(session, first_org),
                        [joined.offer, named]).notice
    second = send_notice(session, second_org, verified_right(session, second_org),
                         [joined.offer]).notice
    now = utcnow()
    [alerted_id], _ = cases.open_or_join(
        session, [make_offer(session).id], kind=CaseKind.SAFETY.value,
        reason_code="SAFETY_ALERT", source="safety_gate", priority=3,
        due_at=now + timedelta(days=3), now=now,
        origin=Origin(SourceKind.SAFETY_ALERT, {"alert": "A12/0001/25"}))
    removed = remove_on_notice(session)
    contested = counter_notices.file_counter_notice(session, data=CounterNoticeIn(
        decision_id=removed.decision.id, contact_email="sprzedawca@example.pl",
        statement="I bought these from the brand's authorised distributor."), now=now)
    opened_by_notice = session.scalars(select(NoticeItem.case_id).where(
        NoticeItem.notice_id == first.id, NoticeItem.offer_id == named.id)).one()
    by_name = {"screened": screened, "joined": joined,
               "opened by notice": session.get_one(Case, opened_by_notice),
               "alerted": session.get_one(Case, alerted_id),
               "removed on notice": removed.case,
               "counter-notice": session.get_one(Case, contested.case_id)}
    notice_ids = {"first": first.id, "second": second.id, "removed": removed.notice.id}
    return by_name, notice_ids


def test_the_former_answers_agree_with_the_one_on_every_way_a_case_comes_about(
        session: Session) -> None:
    by_name, notice = _every_way_a_case_comes_about(session)
    behind = {name: [n.id for n in cases.notices_behind(session, case.id)]
              for name, case in by_name.items()}
    assert behind == {"screened": [], "joined": [notice["first"], notice["second"]],
                      "opened by notice": [notice["first"]], "alerted": [],
                      "removed on notice": [notice["removed"]], "counter-notice": []}
    for name, case in by_name.items():
        assert _notice_sources(session, case.id) == behind[name], name
        assert _sources_or_items(session, case.id) == behind[name], name
        assert _has_notice_source(session, case.id) is bool(behind[name]), name
        shown = evidence.case_evidence(session, case.id).notices
        assert [e.notice.id for e in shown] == behind[name], name


def test_a_case_stands_on_one_source_row_per_origin(session: Session) -> None:
    offer = make_offer(session)
    now = utcnow()
    origin = Origin(SourceKind.SAFETY_ALERT, {"alert": "A12/0002/25"}, organisation_id=None)
    ids, joined = cases.open_or_join(
        session, [offer.id, offer.id], kind=CaseKind.SAFETY.value, reason_code="SAFETY_ALERT",
        source="safety_gate", priority=3, due_at=now + timedelta(days=3), now=now,
        origin=origin)
    assert ids[0] == ids[1] and joined == 0
    assert cases.source_kinds(session, ids[0]) == {"safety_alert"}
    assert session.query(CaseSource).filter_by(case_id=ids[0]).count() == 1
    assert cases.source_kinds(session, make_case(session).id) == frozenset()
