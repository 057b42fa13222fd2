"""Compensation on a claim: one row and one signed payment request per decision, paid once
by the marketplace however often the request goes out, and confirmed once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import delivery, policy
from moderation.buyers import compensation
from moderation.buyers.compensation import PaymentIn
from moderation.config import Settings
from moderation.errors import Conflict, InvalidInput, NotFound
from moderation.metrics import compensation_state
from moderation.tables import AuditEntry, Claim, Compensation, Decision, OutboxMessage, utcnow
from tests.claim_rows import make_claim, make_decision, make_order
from tests.fakes.payment_server import SECRET, FakePayments, payment_server


@pytest.fixture
def payments() -> Iterator[FakePayments]:
    with payment_server() as fake:
        yield fake


def _claim(session: Session, value: str = "250.00") -> tuple[Claim, Decision]:
    order = make_order(session, value=value)
    claim = make_claim(session, order)
    return claim, make_decision(session, offer_id=order.offer_id)


def _requests(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == compensation.PAYMENT_KIND).order_by(OutboxMessage.id)))


def _deliver(session: Session, fake: FakePayments, secret: str = SECRET) -> int:
    settings = Settings(payment_webhook_url=fake.url, payment_webhook_secret=secret)
    return delivery.deliver_pending(session, settings=settings)


def test_a_decision_asks_for_one_payment_under_a_key_of_its_own(session: Session) -> None:
    claim, decision = _claim(session)
    row = compensation.request_compensation(session, claim=claim, decision=decision,
                                            amount=Decimal("120.50"))
    assert row.idempotency_key == f"claim-{claim.id}-decision-{decision.id}"
    assert (row.amount, row.currency, row.paid_at) == (Decimal("120.50"), "PLN", None)
    [message] = _requests(session)
    assert message.recipient.startswith("payment:buyer-")
    assert message.payload["idempotency_key"] == row.idempotency_key
    assert message.payload["amount"] == "120.50"
    assert session.scalar(select(AuditEntry.action).where(
        AuditEntry.entity == "compensation", AuditEntry.entity_id == row.id)) == (
        "compensation.requested")


def test_asked_twice_for_one_decision_returns_the_first_and_queues_nothing(
        session: Session) -> None:
    claim, decision = _claim(session)
    first = compensation.request_compensation(session, claim=claim, decision=decision,
                                              amount=Decimal("250.00"))
    again = compensation.request_compensation(session, claim=claim, decision=decision,
                                              amount=Decimal("99.00"))
    assert again.id == first.id and again.amount == Decimal("250.00")
    assert len(_requests(session)) == 1


@pytest.mark.parametrize("amount", ["0", "-1.00", "250.01"])
def test_a_compensation_is_more_than_nothing_and_at_most_the_order_value(
        session: Session, amount: str) -> None:
    claim, decision = _claim(session, value="250.00")
    with pytest.raises(InvalidInput) as error:
        compensation.request_compensation(session, claim=claim, decision=decision,
                                          amount=Decimal(amount))
    assert error.value.field == "amount"
    assert _requests(session) == []


def test_the_request_is_signed_and_carries_the_compensation_key(
        session: Session, payments: FakePayments) -> None:
    claim, decision = _claim(session)
    row = compensation.request_compensation(session, claim=claim, decision=decision,
                                            amount=Decimal("80.00"))
    assert _deliver(session, payments) == 1
    assert payments.requests == [row.idempotency_key]
    assert payments.paid[row.idempotency_key]["amount"] == "80.00"
    [message] = _requests(session)
    assert (message.status, message.channel) == ("sent", "payment")


def test_a_wrong_secret_is_refused_and_retried_later(session: Session,
                                                     payments: FakePayments) -> None:
    claim, decision = _claim(session)
    compensation.request_compensation(session, claim=claim, decision=decision,
                                      amount=Decimal("80.00"))
    assert _deliver(session, payments, secret="not-the-secret") == 0
    assert payments.refused == [401] and payments.paid == {}
    [message] = _requests(session)
    assert message.status == "pending" and message.next_attempt_at is not None


def test_a_request_retried_after_a_lost_answer_pays_once(session: Session,
                                                         payments: FakePayments) -> None:
    claim, decision = _claim(session)
    row = compensation.request_compensation(session, claim=claim, decision=decision,
                                            amount=Decimal("199.00"))
    payments.lose_answer_next = 1
    assert _deliver(session, payments) == 0  # paid, but we never heard so
    [message] = _requests(session)
    assert message.status == "pending" and "RemoteProtocolError" in (message.last_error or "")
    message.next_attempt_at = utcnow() - timedelta(seconds=1)  # its pause is over
    assert _deliver(session, payments) == 1
    assert payments.requests == [row.idempotency_key, row.idempotency_key]
    assert len(payments.paid) == 1
    assert (message.status, message.attempts) == ("sent", 2)


def test_an_unavailable_webhook_is_retried(session: Session, payments: FakePayments) -> None:
    claim, decision = _claim(session)
    compensation.request_compensation(session, claim=claim, decision=decision,
                                      amount=Decimal("10.00"))
    payments.fail_next = 1
    assert _deliver(session, payments) == 0
    [message] = _requests(session)
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    assert _deliver(session, payments) == 1 and len(payments.paid) == 1


def _paid(reference: str = "PAY-1", **overrides: object) -> PaymentIn:
    return PaymentIn.model_validate({"payment_reference": reference,
                                     "paid_at": utcnow().isoformat(), **overrides})


def test_a_confirmation_records_when_it_was_paid_once(session: Session) -> None:
    claim, decision = _claim(session)
    row = compensation.request_compensation(session, claim=claim, decision=decision,
                                            amount=Decimal("10.00"))
    confirmation = _paid()
    done = compensation.record_payment(session, row.idempotency_key, data=confirmation,
                                       actor="staff:1", now=utcnow())
    assert (done.paid_at, done.payment_reference) == (confirmation.paid_at, "PAY-1")
    later = _paid(paid_at=(utcnow() + timedelta(minutes=1)).isoformat())
    again = compensation.record_payment(session, row.idempotency_key, data=later,
                                        actor="staff:1", now=utcnow())
    assert again.paid_at == confirmation.paid_at  # the first confirmation stands
    with pytest.raises(Conflict):
        compensation.record_payment(session, row.idempotency_key, data=_paid("PAY-2"),
                                    actor="staff:1", now=utcnow())
    assert session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "compensation", AuditEntry.entity_id == row.id)).all() == [
        "compensation.requested", "compensation.paid"]


def test_a_confirmation_of_an_unknown_key_or_from_the_future_is_refused(
        session: Session) -> None:
    with pytest.raises(NotFound):
        compensation.record_payment(session, "claim-0-decision-0", data=_paid(),
                                    actor="staff:1", now=utcnow())
    claim, decision = _claim(session)
    row = compensation.request_compensation(session, claim=claim, decision=decision,
                                            amount=Decimal("10.00"))
    future = _paid(paid_at=(utcnow() + policy.PAYMENT_CLOCK_SKEW * 2).isoformat())
    with pytest.raises(InvalidInput) as error:
        compensation.record_payment(session, row.idempotency_key, data=future,
                                    actor="staff:1", now=utcnow())
    assert error.value.field == "paid_at"


def test_compensations_not_confirmed_in_time_are_found_and_counted(session: Session) -> None:
    now = utcnow()
    late_by = policy.COMPENSATION_CONFIRM_WITHIN + timedelta(hours=1)
    rows = []
    for asked in (now - late_by * 2, now - late_by, now - timedelta(hours=1)):
        claim, decision = _claim(session)
        rows.append(compensation.request_compensation(
            session, claim=claim, decision=decision, amount=Decimal("5.00"), now=asked))
    compensation.record_payment(session, rows[0].idempotency_key, data=_paid(),
                                actor="staff:1", now=now)
    assert [c.id for c in compensation.unconfirmed(session, now=now)] == [rows[1].id]
    late, oldest = compensation_state(session, now=now)
    assert late == 1
    assert oldest == pytest.approx(late_by.total_seconds(), abs=1)
    assert session.scalar(select(Compensation.paid_at).where(
        Compensation.id == rows[2].id)) is None
