"""Organisations, accounts and browser sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column

from moderation.tables.base import Base, BigId, UtcDateTime, utcnow


class Organisation(Base):
    """Who an API client acts for: the marketplace itself, a rights holder, an authority."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    # Notifier sanctions for manifestly unfounded notices (DSA art. 23).
    warned_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    suspended_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

class Account(Base):
    """Accounts: people who log in with a password, and API clients; secrets stored hashed.

    The table keeps its first name, "staff", from when only moderators had accounts.
    """

    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    api_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="pl")
    # Where the outbox reaches this person (an organisation's notices, leads' warnings).
    email: Mapped[str | None] = mapped_column(String(254))
    # The password was set by an administrator (created, reset) and works once: the next
    # login leads to setting one's own before any other page (API keys are not affected).
    password_must_change: Mapped[bool] = mapped_column(Boolean, default=False,
                                                       server_default=false())
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

class WebSession(Base):
    """A logged-in browser: the cookie holds a random token, the table only its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
