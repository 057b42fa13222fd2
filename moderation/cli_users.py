"""`moderation users ...` for administrators on the server: create an account, unlock,
deactivate, reactivate, reset a password, rotate or revoke an API key. Each change is
audited as done by the command line ("cli:<login name>").

Running API processes drop what they cached of a changed key within API_KEY_CACHE_SECONDS.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.console import Console

from moderation.config import get_settings

console = Console(stderr=True)
Name = Annotated[str, typer.Argument(help="The account's name.")]


def _actor() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (a container's numeric user)
        return "cli"


def _change(name: str, change: Callable[[Any, Any], Any]) -> Any:
    """Run one change to the named account in its own transaction; domain errors exit 1."""
    from sqlalchemy.orm import sessionmaker

    from moderation.accounts.admin import find
    from moderation.db import make_engine, session_scope
    from moderation.errors import ModerationError
    from moderation.retries import retry_transient

    # No runtime: these changes declare no jobs and need no screener.
    factory = sessionmaker(bind=make_engine(get_settings().database_url),
                           expire_on_commit=False)

    @retry_transient
    def run() -> Any:
        with session_scope(factory) as session:
            return change(session, find(session, name))

    try:
        result = run()
    except ModerationError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(1) from None
    return result


def unlock(name: Name) -> None:
    """Forget the failed logins counted against an account: it may log in at once."""
    from moderation.accounts import admin
    from moderation.accounts.throttle import LoginThrottle
    from moderation.queue import connect

    settings = get_settings()
    throttle = LoginThrottle.of(settings, connect(settings.redis_url))
    dropped = _change(name, lambda s, staff: admin.unlock(s, throttle, staff, actor=_actor()))
    console.print(f"{name}: {dropped} failure counter(s) cleared")


def deactivate(name: Name) -> None:
    """Stop an account: its API key and password no longer work, its sessions end."""
    from moderation.accounts import admin

    _change(name, lambda s, staff: admin.deactivate(s, staff, actor=_actor()))
    console.print(f"{name}: deactivated")


def reactivate(name: Name) -> None:
    """Let a deactivated account in again, with its key and password."""
    from moderation.accounts import admin

    _change(name, lambda s, staff: admin.reactivate(s, staff, actor=_actor()))
    console.print(f"{name}: reactivated")


def reset_password(
    name: Name,
    password_stdin: Annotated[bool, typer.Option(
        help="Read the new password from standard input.")] = False,
    generate: Annotated[bool, typer.Option(
        help="Generate a password and print it once on standard output.")] = False,
) -> None:
    """Set a new one-time password (prompted, read, or generated); the account's sessions
    end, and its owner sets their own at the next login."""
    from moderation.accounts import admin

    if generate and password_stdin:
        raise typer.BadParameter("either --generate or --password-stdin")
    password = None
    if not generate:
        password = (sys.stdin.readline().rstrip("\n") if password_stdin
                    else typer.prompt("new password", hide_input=True,
                                      confirmation_prompt=True))
    secret = _change(name, lambda s, staff: admin.reset_password(s, staff, actor=_actor(),
                                                                 password=password))
    if secret.generated:
        typer.echo(secret.value)
    console.print(f"{name}: password reset, sessions ended; the owner sets their own at "
                  "the next login")


def rotate_key(name: Name) -> None:
    """Give an account a new API key, printed once on standard output; the old one stops."""
    from moderation.accounts import admin

    secret = _change(name, lambda s, staff: admin.rotate_key(s, staff, actor=_actor()))
    typer.echo(secret.value)


def revoke_key(name: Name) -> None:
    """Take an account's API key away."""
    from moderation.accounts import admin

    _change(name, lambda s, staff: admin.revoke_key(s, staff, actor=_actor()))
    console.print(f"{name}: API key revoked")


def create(
    name: str,
    role: Annotated[str, typer.Option(
        help="moderator, lead, admin, integration or rights_holder.")]
    = "moderator",
    organisation: Annotated[str | None, typer.Option(
        help="Organisation an API client acts for (created if new).")] = None,
    organisation_kind: Annotated[str | None, typer.Option(
        help="Kind of a new organisation: an authority account acts for the market "
             "surveillance authority (authority, the default) or a consumer_ombudsman.")]
    = None,
    password_stdin: Annotated[bool, typer.Option(
        help="Read the password from standard input instead of prompting.")] = False,
    locale: Annotated[str, typer.Option(help="Console language: pl or en.")] = "pl",
    email: Annotated[str | None, typer.Option(
        help="Where the outbox reaches this person (leads' warnings, an organisation's "
             "notices).")] = None,
) -> None:
    """Create an account. Staff get a one-time password (prompted; rights holders' members
    with --password-stdin) that they replace at the first login; every account gets an API
    key, printed once on standard output."""
    from moderation.accounts.staff import NewStaff, create_staff, ensure_organisation
    from moderation.db import session_scope
    from moderation.domain import (
        API_CLIENTS,
        ORGANISATION_KIND_OF,
        ORGANISATION_KINDS_OF,
        PEOPLE,
        OrganisationKind,
        StaffRole,
    )
    from moderation.errors import ModerationError
    from moderation.retries import retry_transient

    try:
        staff_role = StaffRole(role)
    except ValueError:
        raise typer.BadParameter(f"unknown role {role!r}", param_hint="--role") from None
    password = None
    if staff_role in PEOPLE or password_stdin:
        password = (sys.stdin.readline().rstrip("\n") if password_stdin
                    else typer.prompt("password", hide_input=True, confirmation_prompt=True))
    from moderation.runtime import Runtime

    runtime = Runtime.build(get_settings())

    @retry_transient
    def write() -> NewStaff:
        with session_scope(runtime.sessionmaker) as session:
            org_id = None
            if staff_role in API_CLIENTS:
                kind = ORGANISATION_KIND_OF[staff_role]
                if organisation_kind is not None:
                    allowed = ORGANISATION_KINDS_OF[staff_role]
                    if organisation_kind not in allowed:
                        raise typer.BadParameter(
                            f"an account of role {staff_role.value} acts for "
                            f"{' or '.join(k.value for k in allowed)}",
                            param_hint="--organisation-kind")
                    kind = OrganisationKind(organisation_kind)
                if organisation is None and kind is not OrganisationKind.MARKETPLACE:
                    raise typer.BadParameter("name the organisation this account acts for",
                                             param_hint="--organisation")
                org_id = ensure_organisation(session, organisation or "Marketplace", kind).id
            return create_staff(session, name=name, role=staff_role, password=password,
                                organisation_id=org_id, locale=locale, email=email,
                                one_time_password=True)

    try:
        created = write()
    except ModerationError as exc:
        console.print(f"[red]{exc.message}")
        raise typer.Exit(1) from None
    typer.echo(created.api_key)


COMMANDS: dict[str, Callable[..., None]] = {
    "create": create, "unlock": unlock, "deactivate": deactivate, "reactivate": reactivate,
    "reset-password": reset_password, "rotate-key": rotate_key, "revoke-key": revoke_key}
