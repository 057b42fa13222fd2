"""Demo data: one staff account per role, a few dozen offers, good and bad, and a few buyers' orders
of them (moderation/demo/buyers.py)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from moderation.accounts.staff import create_staff, ensure_organisation
from moderation.db import session_scope
from moderation.demo import buyers
from moderation.domain import OrganisationKind, RightStatus, StaffRole
from moderation.intake.importer import import_offers
from moderation.statements import render_text
from moderation.tables import Account, Right, Statement, utcnow

OFFERS = Path(__file__).parent / "offers.jsonl"
# Fixed so the README can show working calls; never use these outside the demo.
DEMO_KEYS = {
    StaffRole.MODERATOR: "demo-moderator-key",
    StaffRole.LEAD: "demo-lead-key",
    StaffRole.ADMIN: "demo-admin-key",
    StaffRole.INTEGRATION: "demo-integration-key",
    StaffRole.RIGHTS_HOLDER: "demo-rights_holder-key",
    StaffRole.AUTHORITY: "demo-authority-key",
}
# A fictional brand owner with one verified trademark, so the portal has something to show.
DEMO_BRAND = "Lumora Fashion"


# People log in to the console with these; the integration is an API client only.
DEMO_PASSWORD = "demo-password"


def load_demo(session_factory: sessionmaker[Session]) -> dict[str, str]:
    """Create the demo accounts (once), import the demo offers and their orders (idempotent)."""
    with session_scope(session_factory) as session:
        orgs = {StaffRole.INTEGRATION: ensure_organisation(session, "Marketplace",
                                                           OrganisationKind.MARKETPLACE),
                StaffRole.RIGHTS_HOLDER: ensure_organisation(session, DEMO_BRAND,
                                                             OrganisationKind.RIGHTS_HOLDER),
                StaffRole.AUTHORITY: ensure_organisation(session, "UOKiK (demo)",
                                                         OrganisationKind.AUTHORITY)}
        for role, key in DEMO_KEYS.items():
            name = f"demo-{role.value}"
            if session.scalar(select(Account.id).where(Account.name == name)) is None:
                create_staff(session, name=name, role=role, api_key=key,
                             password=None if role == StaffRole.INTEGRATION else DEMO_PASSWORD,
                             organisation_id=orgs[role].id if role in orgs else None)
        brand = orgs[StaffRole.RIGHTS_HOLDER]
        if session.scalar(select(Right.id).where(Right.organisation_id == brand.id)) is None:
            now = utcnow()
            session.add(Right(organisation_id=brand.id, type="trademark", office="EUIPO",
                              number="019876543", owner=DEMO_BRAND, territory="EU",
                              brands=["Lumora"], keywords=["Lumora Aria"],
                              reference_price=Decimal("900.00"), agent=False,
                              status=RightStatus.VERIFIED.value, review_note="demo",
                              verified_at=now,
                              created_at=now, updated_at=now))
        buyers.load_shop_accounts(session)
    import_offers(session_factory, OFFERS)
    with session_scope(session_factory) as session:
        buyers.load_orders(session)
        buyers.load_claim(session)
    return {role.value: key for role, key in DEMO_KEYS.items()}


def statement_samples(session_factory: sessionmaker[Session], *, limit: int = 2
                      ) -> tuple[int, list[tuple[int | None, str]]]:
    """How many statements of reasons the demo wrote, and the first few (offer id, text)."""
    with session_scope(session_factory) as session:
        total = session.scalar(select(func.count(Statement.id))) or 0
        first = session.scalars(select(Statement).order_by(Statement.id).limit(limit))
        return total, [(row.offer_id, render_text(row.content)) for row in first]
