"""Indexes added to a big table that is already in use: built without blocking its writers.

A plain CREATE INDEX holds a SHARE lock on the table for the whole build, so on cases or
orders in production every insert and update waits for minutes. On PostgreSQL these build
CONCURRENTLY (and drop so), which cannot run inside a transaction: each runs in Alembic's
autocommit block, which first commits the migrations before it. SQLite (the embedded
default) builds as it always did; it has no CONCURRENTLY and lets one writer in anyway.

A concurrent build that fails (cancelled, a deadlock, a duplicate in a unique index) leaves
its index behind INVALID: no query uses it, every write still updates it, and it is in the
way of the next CREATE, which IF NOT EXISTS would then skip. So a build drops such a leftover
first, and a migration that stopped halfway can simply be run again.

A table created in the same migration needs none of this: nobody writes to it yet.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op


def _postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def create_index(name: str, table: str, columns: list[str], *, where: str | None = None) -> None:
    """CREATE INDEX, on PostgreSQL CONCURRENTLY; ``where`` makes it partial on both."""
    predicate: dict[str, Any] = {} if where is None else {"postgresql_where": sa.text(where),
                                                          "sqlite_where": sa.text(where)}
    if not _postgres():
        op.create_index(name, table, columns, **predicate)
        return
    with op.get_context().autocommit_block():
        invalid = op.get_bind().scalar(
            sa.text("SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(:name)"),
            {"name": name})
        if invalid:
            op.drop_index(name, table_name=table, postgresql_concurrently=True)
        # A valid one is this index, built by a run that failed on a later one.
        op.create_index(name, table, columns, postgresql_concurrently=True, if_not_exists=True,
                        **predicate)


def drop_index(name: str, table: str) -> None:
    """DROP INDEX, on PostgreSQL CONCURRENTLY (a plain drop locks out readers as well)."""
    if not _postgres():
        op.drop_index(name, table_name=table)
        return
    with op.get_context().autocommit_block():
        op.drop_index(name, table_name=table, postgresql_concurrently=True, if_exists=True)
