"""Databases a test names itself, on the server of a URL: created afresh, dropped after."""

from __future__ import annotations

from sqlalchemy import create_engine, make_url, text


def recreate_database(url: str, *names: str, create: bool = True) -> None:
    """Drop these databases on the server of `url` (connections and all); create them again
    unless `create` is false. Through the server's `postgres` database."""
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                if create:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def drop_database(url: str, *names: str) -> None:
    """Drop these databases on the server of `url`."""
    recreate_database(url, *names, create=False)
