"""Schemathesis over every operation with each role's key: no 5xx, every answer as documented."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.app import create_app
from moderation import cases, policy, programmes
from moderation.accounts.staff import ensure_organisation
from moderation.appeals.filing import AppealIn, file_appeal
from moderation.buyers import claims, feedback
from moderation.buyers.claim_decisions import ClaimDecisionIn, decide_claim
from moderation.buyers.discussions import StepIn
from moderation.buyers.orders import record_order
from moderation.buyers.schemas import OrderIn
from moderation.domain import ORGANISATION_KIND_OF, Rating, StaffRole
from moderation.protection import counter_notices, rights
from moderation.protection.counter_notices import CounterNoticeIn
from moderation.safety import authority
from moderation.support import ratings
from moderation.tables import Seller, Statement, utcnow
from tests.api.test_access_matrix import DESIGN
from tests.claim_rows import compensation_asked
from tests.factories import (
    feedback_order,
    make_case,
    make_discussion,
    make_offer,
    make_staff,
    runtime_of,
)
from tests.notice_builders import remove_on_notice
from tests.rights_builders import rights_holder, send_notice, verified_right

# Not negative_data_rejection: unknown query parameters are ignored, as HTTP APIs do.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
# Few examples, always the same ones, so that the run fits CI's budget (12 took 128 s on a
# slow day, when pytest ran on one core; with `-n 2` the rest of the suite runs beside it);
# API_FUZZ_EXAMPLES asks for more by hand. A role an operation refuses is refused before
# its input is read, so one example shows the refusal as documented.
ALLOWED_EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "12"))
REFUSED_EXAMPLES = 1
SETTINGS = settings(max_examples=ALLOWED_EXAMPLES, derandomize=True, database=None,
                    deadline=None, suppress_health_check=list(HealthCheck))
PDF = b"%PDF-1.4\n% a proof\n%%EOF\n"


def _seed(session: Session) -> tuple[dict[StaffRole, str], dict[str, Any]]:
    """One key per role, and records for path parameters to name (a reference by its path)."""
    keys = {role: make_staff(session, role).api_key or ""
            for role in StaffRole if role is not StaffRole.RIGHTS_HOLDER}
    org, member = rights_holder(session)
    keys[StaffRole.RIGHTS_HOLDER] = member.api_key or ""
    case = make_case(session)
    right = verified_right(session, org)
    notice = send_notice(session, org, right, [case.offer]).notice
    pending = verified_right(session, org, brands=("Veltrano",), status="pending")
    document = rights.add_document(session, right_id=pending.id, organisation_id=org.id,
                                   actor_id=member.staff.id, kind="registration_certificate",
                                   filename="proof.pdf", content_type="application/pdf",
                                   content=PDF)
    removed = remove_on_notice(session)
    filed = counter_notices.file_counter_notice(session, data=CounterNoticeIn(
        decision_id=removed.decision.id, contact_email="sklep@example.pl",
        statement="The goods are genuine: bought from the brand's distributor."), now=utcnow())
    appeal = file_appeal(session, data=AppealIn(
        decision_id=removed.decision.id, seller_id=removed.seller.external_id,
        explanation="The goods are genuine: the invoice from the distributor is attached."),
        caller=make_staff(session, StaffRole.INTEGRATION).staff, now=utcnow())
    # make_staff gave the authority's account the default authority organisation.
    surveillance = ensure_organisation(session, f"Default {StaffRole.AUTHORITY.value}",
                                       ORGANISATION_KIND_OF[StaffRole.AUTHORITY])
    order = authority.submit_order(session, organisation_id=surveillance.id, submitted_by=None,
                                   data=authority.OrderIn(
                                       kind="order", reference="UOKiK/FUZZ/1",
                                       product="Czajnik elektryczny", risk="Porażenie prądem",
                                       legal_basis="art. 22 GPSR", requested_measure="Usunięcie",
                                       contact_email="dnr@uokik.example"))
    # A buyer's discussion escalated to a claim, and decided.
    discussion = make_discussion(session, opened_ago=policy.SELLER_ANSWER_DUE + timedelta(hours=1))
    claim = claims.escalate(session, discussion.id, StepIn(at=utcnow()), now=utcnow())
    decider = make_staff(session).staff.id
    cases.claim(session, case_id=claim.case_id or 0, staff_id=decider, lease=timedelta(minutes=5))
    decide_claim(session, case_id=claim.case_id or 0, staff_id=decider,
                 data=ClaimDecisionIn(action="compensate"),
                 followups=programmes.decision_followups())
    bought = _bought(session)
    market = make_staff(session, StaffRole.INTEGRATION).staff
    _rating, task = ratings.record_rating(session, by_staff_id=market.id, now=utcnow(),
                                          data=ratings.RatingIn(
                                              rating_id="fuzz-1", rater_kind="buyer",
                                              rater_id="b-fuzz", contact_id="c-fuzz",
                                              positive=False, rated_at=utcnow()))
    assert task is not None
    rated = feedback_order(session)
    feedback_row, _ = feedback.submit_feedback(session, feedback.FeedbackIn(
        feedback_id="fuzz-feedback", order_id=rated.marketplace_id, rating=Rating.NEGATIVE,
        comment="Kolor inny niż na zdjęciu"), rules=feedback.comment_rules(), now=utcnow())
    session.flush()
    paid = compensation_asked(session)  # Buyer Protection: a compensation to confirm
    return keys, {"discussion_id": discussion.id, "claim_id": claim.id,
                  "case_id": case.id, "offer_id": case.offer_id, "right_id": pending.id,
                  "task_id": task.id,
                  "document_id": document.id, "order_id": order.id, "appeal_id": appeal.id,
                  "puid": session.scalars(select(Statement.puid).where(
                      Statement.decision_id == removed.decision.id)).first(),
                  "/v1/notices/{reference}": notice.reference,
                  "/v1/counter-notices/{reference}": filed.reference,
                  "idempotency_key": paid.idempotency_key,
                  # The marketplace's ids: an order's is not the authority order's `order_id`.
                  "/v1/buyers/{buyer_id}": "b-fuzz", "/v1/sellers/{seller_id}/account": "s-fuzz",
                  "/v1/orders/{order_id}": bought, "/v1/orders/{order_id}/tracking": bought,
                  "feedback_id": feedback_row.marketplace_id,
                  "external_id": session.get_one(Seller, rated.seller_id).external_id}


def _bought(session: Session) -> str:
    """An order of a seeded offer, by the marketplace's id."""
    offer = make_offer(session, seller={"id": "s-fuzz"})
    return record_order(session, OrderIn.model_validate({
        "marketplace_id": "o-fuzz", "buyer": {"id": "b-fuzz"}, "seller_id": "s-fuzz",
        "offer_id": offer.marketplace_id, "offer_version": 1, "value": "10.00",
        "ordered_at": utcnow().isoformat()})).order.marketplace_id


def _known_parameters(operation: APIOperation, known: dict[str, Any]) -> dict[str, Any]:
    """Path parameters naming seeded records, so that examples reach past the 404 (by the
    operation's path where a name means different records on different paths)."""
    return {p.name: known[operation.path if operation.path in known else p.name]
            for p in operation.path_parameters}


def _run(strategy: Any, examples: int, check: Callable[[Case], None]) -> None:
    @given(case=strategy)
    @settings(SETTINGS, max_examples=examples)
    def examples_of(case: Case) -> None:
        check(case)

    examples_of()


def test_every_operation_answers_as_documented_to_every_role(session: Session) -> None:
    keys, known = _seed(session)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(runtime_of(session)))
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        allowed = DESIGN[(operation.method.upper(), operation.path)] or set()
        for role, key in keys.items():
            def check(case: Case, key: str = key) -> None:
                case.call_and_validate(headers={"X-API-Key": key}, checks=CHECKS)

            runs: list[tuple[str, Any, int]] = [
                ("positive", operation.as_strategy(GenerationMode.POSITIVE),
                 ALLOWED_EXAMPLES if role in allowed else REFUSED_EXAMPLES)]
            if role in allowed:
                runs.append(("negative", operation.as_strategy(GenerationMode.NEGATIVE),
                             ALLOWED_EXAMPLES))
                named = _known_parameters(operation, known)
                if named:
                    runs.append(("seeded", operation.as_strategy(
                        GenerationMode.POSITIVE, path_parameters=named), ALLOWED_EXAMPLES))
            for mode, strategy, examples in runs:
                try:
                    _run(strategy, examples, check)
                except Unsatisfiable:
                    continue  # nothing to make invalid: the operation takes no input
                except (Exception, BaseExceptionGroup) as exc:  # all listed, not the first
                    failures.append(f"{operation.label} as {role} ({mode}): {exc}")
    assert operations == sum(1 for method, path in DESIGN if path.startswith("/v1/"))
    assert not failures, "\n\n".join(failures)
