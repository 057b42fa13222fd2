"""Fuzzing the notice and the authority order parsers: anything sent is a notice or an
order, or a ValidationError naming what is wrong (the API's 422), in bounded time."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy.orm import Session

from moderation.protection.notices import NOTICE_KINDS, NoticeIn, candidates
from moderation.safety.authority import OrderIn, order_number, to_alert
from tests.fuzz.strategies import FUZZ, json_values, texts, texts_of
from tests.rights_builders import notice_body, offers, rights_holder, verified_right

# Offer references as rights holders paste them: ids, offer URLs, and URLs broken in the
# ways urlsplit minds ("http://[" is an invalid IPv6 host).
REFS = st.one_of(
    texts,
    st.builds(lambda scheme, host, path: f"{scheme}://{host}/{path}",
              st.sampled_from(["http", "https"]),
              st.one_of(st.just("allegro.pl"), st.just("["), st.just("[::1"), st.just("]"),
                        texts_of(20)),
              texts_of(40)))


def _maybe(value: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The field's plausible value most of the time, anything JSON now and then."""
    return st.one_of(value, value, value, json_values())


NOTICES = st.fixed_dictionaries({
    "right_id": _maybe(st.integers(min_value=-1, max_value=2**63)),
    "kind": _maybe(st.sampled_from(NOTICE_KINDS)),
    "offers": _maybe(st.lists(REFS, max_size=5)),
    "explanation": _maybe(texts_of(200)),
    "notifier": _maybe(st.fixed_dictionaries({
        "name": _maybe(texts), "email": _maybe(st.emails() | texts)})),
    "good_faith": _maybe(st.booleans()),
}, optional={"extra": json_values()})

ORDERS = st.fixed_dictionaries({
    "kind": _maybe(st.sampled_from(["order", "notice", "consumer"])),
    "reference": _maybe(texts_of(70)),
    "product": _maybe(texts),
    "risk": _maybe(texts_of(100)),
    "legal_basis": _maybe(texts),
    "requested_measure": _maybe(texts),
    "contact_email": _maybe(st.emails() | texts),
}, optional={
    "brand": _maybe(texts), "model": _maybe(texts), "batch": _maybe(texts),
    "barcodes": _maybe(st.lists(st.one_of(texts_of(20), st.from_regex(r"[0-9 -]{8,16}",
                                                                      fullmatch=True)),
                                max_size=6)),
    "risk_level": _maybe(st.sampled_from(["serious", "high", "medium", "low"])),
})


@FUZZ
@given(st.one_of(NOTICES, json_values()))
def test_any_notice_body_is_a_notice_or_a_validation_error(body: Any) -> None:
    try:
        notice = NoticeIn.model_validate(body)
    except ValidationError as exc:
        assert exc.errors(), "a refusal names what is wrong"
        return
    assert notice.good_faith and notice.offers
    for ref in notice.offers:
        found = candidates(ref)
        assert all(isinstance(c, str) for c in found)


@FUZZ
@given(REFS)
def test_any_offer_reference_gives_candidate_ids(ref: str) -> None:
    found = candidates(ref)
    if not ref.startswith(("http://", "https://")):
        assert found == [ref]
    assert all(isinstance(c, str) and c for c in found) or found == [ref]


@FUZZ
@given(st.one_of(ORDERS, json_values()), st.integers(min_value=1, max_value=2**31))
def test_any_order_body_is_an_order_or_a_validation_error(body: Any, org: int) -> None:
    try:
        order = OrderIn.model_validate(body)
    except ValidationError as exc:
        assert exc.errors()
        return
    alert = to_alert(org, order)
    assert alert.number == order_number(org, order.reference)
    assert len(alert.codes) <= len(order.barcodes)
    for code in alert.codes:
        assert code.value


def test_a_notice_naming_a_broken_url_is_refused_with_the_field(
        session: Session, client: TestClient) -> None:
    # Found by the fuzzing above: urlsplit refuses "http://[" and the notice answered 500.
    org, member = rights_holder(session)
    right = verified_right(session, org)
    body = notice_body(right, offers(session, 1))
    body["offers"] = [*body["offers"], "http://[allegro.pl/oferta-1"]
    response = client.post("/v1/notices", headers={"X-API-Key": member.api_key}, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "offers"
