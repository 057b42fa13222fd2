"""The console's pages over the real service: queue, case, decisions, leads' pages, admin."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from sqlalchemy.orm import Session

from moderation import cases
from moderation.domain import StaffRole
from moderation.programmes import decision_followups
from moderation.tables import Account, AuditEntry, Case, Offer, utcnow
from tests.api.console import csrf_of, logged_in
from tests.factories import TEST_PASSWORD, make_case, make_offer, make_staff, screen_all

REVIEW_TITLE = "Bluza Supreme replika AAA tanio"


def _person(session: Session, role: StaffRole = StaffRole.MODERATOR,
            locale: str = "en") -> Account:
    return make_staff(session, role, password=TEST_PASSWORD, locale=locale).staff


def _review_case(session: Session) -> Case:
    offer = make_offer(session, title=REVIEW_TITLE, brand=None, category="Odzież > Męska",
                       price="89.00", description="Bluza jak oryginał, metka AAA.")
    screen_all(session)
    case = session.query(Case).filter_by(offer_id=offer.id).one()
    return case


def test_queue_lists_cases_in_order_with_deadline_colours(session: Session) -> None:
    later = make_case(session, priority=3, due_in_hours=30)
    urgent = make_case(session, priority=1, due_in_hours=0.5)
    soon = make_case(session, priority=3, due_in_hours=2)
    browser = logged_in(session, _person(session).name, TEST_PASSWORD)
    html = browser.get("/queue").text
    order = [int(x) for x in re.findall(r'<tr data-case="(\d+)">', html)]
    assert order.index(urgent.id) < order.index(soon.id) < order.index(later.id)
    row = html[html.index(f'data-case="{urgent.id}"'):]
    assert 'class="deadline red"' in row[:row.index("</tr>")]
    row = html[html.index(f'data-case="{soon.id}"'):]
    assert 'class="deadline amber"' in row[:row.index("</tr>")]
    overdue_only = browser.get("/queue?overdue=true").text
    assert f'data-case="{urgent.id}"' not in overdue_only  # half an hour left is not overdue


def test_next_case_claims_the_best_and_the_case_page_shows_the_evidence(session: Session
                                                                       ) -> None:
    case = _review_case(session)
    case.priority = 1
    session.flush()
    browser = logged_in(session, _person(session).name, TEST_PASSWORD)
    token = csrf_of(browser.get("/queue").text)
    claimed = browser.post("/queue/next", data={"csrf_token": token}, follow_redirects=False)
    assert claimed.headers["location"] == f"/cases/{case.id}"
    page = browser.get(f"/cases/{case.id}").text
    marked = re.findall(r'<mark title="[^"]*" data-rules="([^"]*)">([^<]*)</mark>', page)
    assert any("replika" in text.lower() for _, text in marked), marked
    assert all(rules.startswith("counterfeit.") or "." in rules for rules, _ in marked)
    assert 'id="decision-form"' in page and "case.claimed" in page  # form and audit trail
    assert "Model score" in page


def test_a_decision_from_the_form_removes_the_offer_and_is_audited(session: Session) -> None:
    case = _review_case(session)
    mod = _person(session)
    browser = logged_in(session, mod.name, TEST_PASSWORD)
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=timedelta(minutes=5))
    token = csrf_of(browser.get(f"/cases/{case.id}").text)
    done = browser.post(f"/cases/{case.id}/decision", data={
        "csrf_token": token, "action": "remove", "reason_code": "COUNTERFEIT",
        "note": "Marker podróbki w tytule."}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"/queue?decided={case.id}"
    offer = session.get(Offer, case.offer_id)
    assert offer is not None
    session.refresh(offer)
    assert offer.status == "removed"
    assert session.query(AuditEntry).filter_by(entity="case", entity_id=case.id,
                                               action="decision.remove").count() == 1
    again = browser.post(f"/cases/{case.id}/decision", data={
        "csrf_token": token, "action": "keep", "reason_code": "LAWFUL"})
    assert again.status_code == 409 and "already decided" in again.text


def test_a_moderator_who_lost_the_lease_is_told_not_overwritten(session: Session) -> None:
    case = make_case(session)
    first, second = _person(session), _person(session)
    a, b = (logged_in(session, first.name, TEST_PASSWORD),
            logged_in(session, second.name, TEST_PASSWORD))
    cases.claim(session, case_id=case.id, staff_id=first.id, lease=timedelta(minutes=5))
    page_a = a.get(f"/cases/{case.id}").text
    assert 'data-holds-lease="true"' in page_a
    page_b = b.get(f"/cases/{case.id}").text
    assert 'id="decision-form"' not in page_b and "Someone else is reviewing" in page_b
    taken = b.post(f"/cases/{case.id}/claim", data={"csrf_token": csrf_of(page_b)})
    assert taken.status_code == 409
    # The first lease runs out and the second moderator takes the case.
    session.get(Case, case.id).lease_expires_at = utcnow() - timedelta(seconds=1)  # type: ignore[union-attr]
    session.flush()
    assert b.post(f"/cases/{case.id}/claim", data={"csrf_token": csrf_of(page_b)},
                  follow_redirects=False).status_code == 303
    token_a = csrf_of(page_a)
    renew = a.post(f"/cases/{case.id}/lease", headers={"X-CSRF-Token": token_a,
                                                       "Accept": "application/json"})
    assert renew.status_code == 409 and renew.json()["error"] == "lease_not_held"
    late = a.post(f"/cases/{case.id}/decision", data={
        "csrf_token": token_a, "action": "keep", "reason_code": "LAWFUL"})
    assert late.status_code == 409 and "not leased to you" in late.text
    session.expire_all()
    assert session.get(Case, case.id).status == "open"  # type: ignore[union-attr]


def test_a_decision_with_a_reason_that_does_not_fit_names_the_field(session: Session) -> None:
    case = make_case(session)
    mod = _person(session)
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=timedelta(minutes=5))
    browser = logged_in(session, mod.name, TEST_PASSWORD)
    token = csrf_of(browser.get(f"/cases/{case.id}").text)
    bad = browser.post(f"/cases/{case.id}/decision", data={
        "csrf_token": token, "action": "keep", "reason_code": "COUNTERFEIT"})
    assert bad.status_code == 422 and 'data-code="invalid_input"' in bad.text
    bad = browser.post(f"/cases/{case.id}/decision", data={
        "csrf_token": token, "action": "obliterate", "reason_code": "LAWFUL"})
    assert bad.status_code == 422 and "action" in bad.text


def test_leads_see_escalations_and_decide_many_at_once(session: Session) -> None:
    mod, lead = _person(session), _person(session, StaffRole.LEAD)
    escalated = []
    for _ in range(3):
        case = make_case(session)
        cases.claim(session, case_id=case.id, staff_id=mod.id, lease=timedelta(minutes=5))
        from moderation.review import decisions
        from moderation.schemas import DecisionIn
        decisions.decide(session, case_id=case.id, staff_id=mod.id,
                         decision=DecisionIn(action="escalate", reason_code="UNSURE"),
                         followups=decision_followups())
        escalated.append(case)
    moderator = logged_in(session, mod.name, TEST_PASSWORD)
    assert moderator.get("/escalations").status_code == 403
    browser = logged_in(session, lead.name, TEST_PASSWORD)
    page = browser.get("/escalations").text
    assert all(f'value="{c.id}" form="bulk"' in page for c in escalated)
    result = browser.post("/cases/bulk", data={
        "csrf_token": csrf_of(page), "case_ids": [str(c.id) for c in escalated[:2]],
        "action": "keep", "reason_code": "LAWFUL_REPLICA"})
    assert result.status_code == 200 and result.text.count('class="ok"') == 2
    session.expire_all()
    statuses = [session.get(Case, c.id).status for c in escalated]  # type: ignore[union-attr]
    assert statuses == ["closed", "closed", "escalated"]


def test_dashboard_shows_figures_and_a_chart(session: Session) -> None:
    case = make_case(session)
    mod, lead = _person(session), _person(session, StaffRole.LEAD)
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=timedelta(minutes=5))
    from moderation.review import decisions
    from moderation.schemas import DecisionIn
    decisions.decide(session, case_id=case.id, staff_id=mod.id,
                     decision=DecisionIn(action="keep", reason_code="LAWFUL"),
                     followups=decision_followups())
    page = logged_in(session, lead.name, TEST_PASSWORD).get("/dashboard").text
    svg = page[page.index("<svg"):page.index("</svg>") + len("</svg>")]
    bars = [el for el in ET.fromstring(svg).iter() if el.tag.endswith("rect")
            and el.get("class") == "bar"]
    assert len(bars) == 24 and sum(float(b.get("height", 0)) > 0 for b in bars) >= 1
    assert f"<td>{mod.name}</td><td>1</td>" in page


def test_audit_log_filters_by_who_and_what(session: Session) -> None:
    case = make_case(session)
    mod, lead = _person(session), _person(session, StaffRole.LEAD)
    cases.claim(session, case_id=case.id, staff_id=mod.id, lease=timedelta(minutes=5))
    session.flush()
    browser = logged_in(session, lead.name, TEST_PASSWORD)
    page = browser.get(f"/audit?actor=staff:{mod.id}&action=case").text
    assert "case.claimed" in page and "case.opened" not in page
    page = browser.get(f"/audit?entity=case&entity_id={case.id}").text
    assert "case.opened" in page and "case.claimed" in page


def test_an_admin_creates_an_account_and_sees_its_key_once(session: Session) -> None:
    admin = _person(session, StaffRole.ADMIN)
    browser = logged_in(session, admin.name, TEST_PASSWORD)
    page = browser.get("/admin").text
    assert "Rule packs" in page
    created = browser.post("/admin/users", data={
        "csrf_token": csrf_of(page), "name": "new-lead", "role": "lead",
        "password": "a long enough password", "locale": "pl"})
    key = re.search(r'<code class="api-key">([^<]+)</code>', created.text)
    assert created.status_code == 200 and key
    new_lead = logged_in(session, "new-lead", "a long enough password")
    # The administrator's password is one-time (tests/api/test_own_password_pages.py).
    assert new_lead.get("/dashboard").url.path == "/account/password"
    refused = browser.post("/admin/users", data={
        "csrf_token": csrf_of(page), "name": "no-password", "role": "moderator"})
    assert refused.status_code == 422 and session.query(Account).filter_by(
        name="no-password").count() == 0


def test_an_admin_sets_an_address_for_notifications_and_sees_failed_deliveries(
        session: Session) -> None:
    from moderation.tables import OutboxMessage

    session.add(OutboxMessage(kind="notifier.warning", recipient="organisation:999",
                              payload={}, status="failed", attempts=1,
                              last_error="no e-mail address for organisation:999"))
    admin = _person(session, StaffRole.ADMIN)
    browser = logged_in(session, admin.name, TEST_PASSWORD)
    page = browser.get("/admin").text
    assert "no e-mail address for organisation:999" in page
    form = {"csrf_token": csrf_of(page), "name": "lead-with-mail", "role": "lead",
            "password": "a long enough password", "locale": "en"}
    refused = browser.post("/admin/users", data={**form, "email": "not an address"})
    assert refused.status_code == 422 and "is not an e-mail address" in refused.text
    created = browser.post("/admin/users", data={**form, "email": "lead@marketplace.test"})
    assert created.status_code == 200 and "lead@marketplace.test" in created.text
    assert session.query(Account.email).filter_by(name="lead-with-mail").scalar() == (
        "lead@marketplace.test")


def test_a_notice_case_shows_the_notice_and_a_counter_notice_case_the_statement(
        session: Session) -> None:
    from moderation.protection import counter_notices
    from tests.notice_builders import remove_on_notice

    removed = remove_on_notice(session)
    filed = counter_notices.file_counter_notice(session, data=counter_notices.CounterNoticeIn(
        decision_id=removed.decision.id, contact_email="seller@example.com",
        statement="These are genuine goods bought from the brand's distributor."), now=utcnow())
    session.flush()
    browser = logged_in(session, _person(session).name, TEST_PASSWORD)
    original = browser.get(f"/cases/{removed.case.id}").text
    assert removed.notice.reference in original and removed.notice.explanation in original
    contested = browser.get(f"/cases/{filed.case_id}").text
    assert "genuine goods bought from the brand" in contested and filed.reference in contested


def test_the_case_page_shows_a_barcode_with_a_wrong_check_digit(session: Session) -> None:
    offer = make_offer(session, title=REVIEW_TITLE, brand=None, price="89.00",
                       gtins=["590 1234 123457", "5901234123458"])
    screen_all(session)
    case = session.query(Case).filter_by(offer_id=offer.id).one()
    page = logged_in(session, _person(session).name, TEST_PASSWORD).get(f"/cases/{case.id}").text
    barcodes = page[page.index('class="barcodes"'):]
    barcodes = barcodes[:barcodes.index("</dd>")]
    assert "5901234123457" in barcodes
    assert "5901234123458 (wrong check digit)" in barcodes
