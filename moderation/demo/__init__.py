"""Demo data: one staff account per role and a few dozen offers, good and bad."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from moderation.db import session_scope
from moderation.domain import API_CLIENTS, OrganisationKind, StaffRole
from moderation.importer import import_offers
from moderation.staff import create_staff, ensure_organisation
from moderation.tables import Staff

OFFERS = Path(__file__).parent / "offers.jsonl"
# Fixed so the README can show working calls; never use these outside the demo.
DEMO_KEYS = {
    StaffRole.MODERATOR: "demo-moderator-key",
    StaffRole.LEAD: "demo-lead-key",
    StaffRole.ADMIN: "demo-admin-key",
    StaffRole.INTEGRATION: "demo-integration-key",
}


# People log in to the console with these; the integration is an API client only.
DEMO_PASSWORD = "demo-password"


def load_demo() -> dict[str, str]:
    """Create the demo accounts (once) and import the demo offers (idempotent)."""
    with session_scope() as session:
        marketplace = ensure_organisation(session, "Marketplace", OrganisationKind.MARKETPLACE)
        for role, key in DEMO_KEYS.items():
            name = f"demo-{role.value}"
            if session.scalar(select(Staff.id).where(Staff.name == name)) is None:
                client = role in API_CLIENTS
                create_staff(session, name=name, role=role, api_key=key,
                             password=None if client else DEMO_PASSWORD,
                             organisation_id=marketplace.id if client else None)
    import_offers(OFFERS)
    return {role.value: key for role, key in DEMO_KEYS.items()}
