"""A unique rule broken by a concurrent write, told as the domain's Conflict (409).

The domain checks its rules before it writes, with messages that name the record in the way.
Two writers can both pass such a check; the database's unique constraint stops the second,
and this is where its IntegrityError becomes the Conflict the check would have raised.
"""

from __future__ import annotations

import re
import sqlite3

from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.exc import IntegrityError

from moderation.errors import Conflict
from moderation.tables import Base

# What each unique rule means to the caller, and the field at fault.
MEANINGS: dict[str, tuple[str, str | None]] = {
    "uq_staff_name": ("an account of this name already exists", "name"),
    "uq_organisations_name": ("an organisation of this name already exists", "organisation"),
    "uq_safety_alerts_source_number": (
        "your organisation already sent an order with this reference", "reference"),
    "uq_rights_organisation_id_office_number": (
        "your organisation already registered this right", "number"),
    "uq_rights_organisation_id_folded_office_number": (
        "your organisation already registered this right", "number"),
    "uq_counter_notices_decision_id": ("this decision is already contested", "decision_id"),
}
CONCURRENT = "a record written at the same moment conflicts with this one: reload and try again"

_PG_UNIQUE_VIOLATION = "23505"
_SQLITE_UNIQUE = (sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
# "UNIQUE constraint failed: staff.name" or "... failed: index 'ix_flood_trips_active'"
_SQLITE_MESSAGE = re.compile(r"UNIQUE constraint failed: (?:index '(?P<index>[^']+)'|"
                             r"(?P<columns>.+))")


def conflict_for(exc: IntegrityError) -> Conflict | None:
    """The Conflict a broken unique rule stands for; None for other integrity errors (bugs)."""
    name = violated_unique(exc)
    if name is None:
        return None
    message, field = MEANINGS.get(name, (CONCURRENT, None))
    return Conflict(message, field=field)


def violated_unique(exc: IntegrityError) -> str | None:
    """The name of the unique constraint or index the write broke ("" when it has none)."""
    orig = exc.orig
    if isinstance(orig, sqlite3.IntegrityError):
        if getattr(orig, "sqlite_errorcode", None) not in _SQLITE_UNIQUE:
            return None
        found = _SQLITE_MESSAGE.search(str(orig))
        if found is None:
            return ""
        return found["index"] or _named_by_columns(found["columns"])
    if getattr(orig, "sqlstate", None) != _PG_UNIQUE_VIOLATION:
        return None
    diag = getattr(orig, "diag", None)
    return getattr(diag, "constraint_name", None) or ""


def _named_by_columns(columns: str) -> str:
    """SQLite names the columns, not the constraint: find the unique rule on exactly those."""
    qualified = [c.strip().split(".", 1) for c in columns.split(",")]
    tables = {t for t, _ in qualified}
    table = Base.metadata.tables.get(tables.pop()) if len(tables) == 1 else None
    if table is None:
        return ""
    wanted = {c for _, c in qualified}
    rules: list[UniqueConstraint | Index] = [
        c for c in table.constraints if isinstance(c, UniqueConstraint)]
    rules += [i for i in table.indexes if i.unique]
    for rule in rules:
        if {c.name for c in rule.columns} == wanted and isinstance(rule.name, str):
            return rule.name
    return ""
