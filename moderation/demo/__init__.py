"""Demo data: one staff account per role and a few dozen offers, good and bad."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from moderation.db import session_scope
from moderation.domain import StaffRole
from moderation.importer import import_offers
from moderation.staff import create_staff
from moderation.tables import Staff

OFFERS = Path(__file__).parent / "offers.jsonl"
# Fixed so the README can show working calls; never use these outside the demo.
DEMO_KEYS = {
    StaffRole.MODERATOR: "demo-moderator-key",
    StaffRole.LEAD: "demo-lead-key",
    StaffRole.ADMIN: "demo-admin-key",
    StaffRole.INTEGRATION: "demo-integration-key",
}


def load_demo() -> dict[str, str]:
    """Create the demo accounts (once) and import the demo offers (idempotent)."""
    with session_scope() as session:
        for role, key in DEMO_KEYS.items():
            name = f"demo-{role.value}"
            if session.scalar(select(Staff.id).where(Staff.name == name)) is None:
                create_staff(session, name=name, role=role, api_key=key)
    import_offers(OFFERS)
    return {role.value: key for role, key in DEMO_KEYS.items()}
