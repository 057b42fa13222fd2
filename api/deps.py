"""Request-scoped dependencies: the session and the caller, and who may call what."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction

from api.transactions import SAFE_METHODS, watch_commits
from moderation.accounts import auth
from moderation.accounts import staff as staff_service
from moderation.accounts.keys import KeyCache
from moderation.conflicts import conflict_for
from moderation.db import read_only
from moderation.domain import LEADS, StaffRole
from moderation.errors import Forbidden, Unauthenticated
from moderation.runtime import Runtime
from moderation.tables import Account

SESSION_COOKIE = "moderation_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
# Declares the key in the OpenAPI document (the docs' Authorize button sends it); a missing
# key is not refused here, since the console's pages and scripts come with a session cookie.
API_KEY = APIKeyHeader(name="X-API-Key", scheme_name="ApiKey", auto_error=False,
                       description="The API key of a staff or client account")


def runtime_of(request: Request) -> Runtime:
    """The runtime the application was built on (create_app)."""
    runtime: Runtime = request.app.state.runtime
    return runtime


async def get_runtime(request: Request) -> Runtime:
    """The runtime, as a dependency. Async because it only reads an attribute: a sync
    dependency costs every request a hop to the thread pool and back."""
    return runtime_of(request)


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


async def get_session(request: Request) -> AsyncIterator[Session]:
    """One session per request; the route commits, anything uncommitted is rolled back.

    A request that changes nothing reads (on SQLite, without the write lock); a unique rule
    broken by a concurrent request comes out as the domain's Conflict (409).

    Async because opening a session and closing a committed one touch no connection: as a
    sync dependency each request paid two hops to the thread pool (in and out). Rolling
    back an open transaction does talk to the database, so that one goes to a thread.
    """
    # The runtime read here, not as a dependency: each dependency costs every request.
    session = runtime_of(request).sessionmaker()
    if request.method in SAFE_METHODS:
        read_only(session)
    watch_commits(request, session)
    try:
        yield session
    except IntegrityError as exc:
        conflict = conflict_for(exc)
        if conflict is None:
            raise
        raise conflict from exc
    finally:
        if session.in_transaction() and session.info.get(_CONNECTED):
            await run_in_threadpool(_end, session)
        else:
            session.close()


_CONNECTED = "api.connected"  # a session's `info` key: it has used a connection


# A transaction begun without a connection (a cached API key's holder merged into the
# session) ends without talking to the database: only one that took a connection is
# rolled back in a thread. Set once, never cleared: at worst a needless hop.
@event.listens_for(Session, "after_begin")
def _took_connection(session: Session, _transaction: SessionTransaction, _connection: Any
                     ) -> None:
    session.info[_CONNECTED] = True


def _end(session: Session) -> None:
    session.rollback()
    session.close()


SessionDep = Annotated[Session, Depends(get_session)]


def forget_api_keys(request: Request) -> None:
    """After committing a change to who holds which key: this process forgets what it knew."""
    keys: KeyCache | None = getattr(request.app.state, "api_keys", None)
    if keys is not None:
        keys.clear()


class LoginRequired(Unauthenticated):
    """No credentials on a page: the error handler sends the browser to the login form."""


class PasswordChangeRequired(Forbidden):
    """A session opened with a one-time password: a page sends the browser to set one's
    own (the error handler), a script's JSON call is refused until then."""

    code = "password_change_required"


PASSWORD_PAGE = "/account/password"


def _is_page(request: Request) -> bool:
    return not request.url.path.startswith("/v1/")


async def _form_csrf(request: Request) -> str | None:
    """The CSRF field of a submitted form (reading the form needs the event loop)."""
    if request.method in SAFE_METHODS or not request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        return None
    value = (await request.form()).get(CSRF_FIELD)
    return value if isinstance(value, str) else None


def _identify(request: Request, session: Session, *, api_key: str | None,
              form_csrf: str | None, before_own_password: bool = False) -> Account:
    """The caller by API key (no CSRF: nothing ambient) or by session cookie (CSRF-checked).

    A session whose account still has a one-time password is let in only where
    `before_own_password` (setting the password, logging out, the language); API keys
    are not passwords and are not held back.
    """
    if api_key:
        keys: KeyCache | None = getattr(request.app.state, "api_keys", None)
        if keys is None:
            return staff_service.authenticate(session, api_key)
        return keys.authenticate(session, api_key)
    web = auth.session_for_token(session, request.cookies.get(SESSION_COOKIE))
    if web is None:
        if _is_page(request):
            raise LoginRequired("log in to continue")
        raise Unauthenticated("missing API key (X-API-Key header) or session")
    if request.method not in SAFE_METHODS:
        auth.check_csrf(web, request.headers.get(CSRF_HEADER) or form_csrf)
    staff = session.get(Account, web.staff_id)
    if staff is None or not staff.active:
        raise LoginRequired("log in to continue")
    if staff.password_must_change and not before_own_password:
        raise PasswordChangeRequired("set your own password first: " + PASSWORD_PAGE)
    # Copied out: an error page is rendered after the database session has closed.
    request.state.csrf_token = web.csrf_token
    return staff


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling, copied out of the database session: error pages outlive that session."""

    id: int
    name: str
    role: str
    locale: str


class Allow:
    """A route's access rule: the roles that may call it. Tests read `roles` off every route."""

    def __init__(self, *roles: StaffRole, before_own_password: bool = False) -> None:
        self.roles = frozenset(roles)
        self.before_own_password = before_own_password

    async def __call__(self, request: Request, session: SessionDep,
                       api_key: Annotated[str | None, Security(API_KEY)]) -> Account:
        # A key seen lately is known without the database, here on the event loop; anything
        # else reads the database, in a thread (a form's CSRF field only matters then).
        keys: KeyCache | None = getattr(request.app.state, "api_keys", None)
        staff = keys.cached(session, api_key) if api_key and keys is not None else None
        if staff is None:
            form_csrf = None if api_key else await _form_csrf(request)
            staff = await run_in_threadpool(_identify, request, session, api_key=api_key,
                                            form_csrf=form_csrf,
                                            before_own_password=self.before_own_password)
        request.state.caller = Caller(staff.id, staff.name, staff.role, staff.locale)
        return staff_service.require_role(staff, *self.roles)


class AllowCaller(Allow):
    """As Allow, for a route that needs only who is calling, not their Account in a session:
    a key seen lately is let in with no database session at all (the intake of single
    offers, which writes in a session of its own: api/intake_groups.py)."""

    async def __call__(self, request: Request,  # type: ignore[override]
                       api_key: Annotated[str | None, Security(API_KEY)]) -> Caller:
        keys: KeyCache | None = getattr(request.app.state, "api_keys", None)
        holder = keys.holder(api_key) if api_key and keys is not None else None
        if holder is not None:
            caller = Caller(holder.id, holder.name, holder.role, holder.locale)
        else:
            form_csrf = None if api_key else await _form_csrf(request)
            caller = await run_in_threadpool(self._identify_alone, request, api_key,
                                             form_csrf)
        request.state.caller = caller
        return staff_service.require_role(caller, *self.roles)

    def _identify_alone(self, request: Request, api_key: str | None,
                        form_csrf: str | None) -> Caller:
        with runtime_of(request).sessionmaker() as session:
            read_only(session)
            staff = _identify(request, session, api_key=api_key, form_csrf=form_csrf,
                              before_own_password=self.before_own_password)
            return Caller(staff.id, staff.name, staff.role, staff.locale)


def allow(*roles: StaffRole) -> Callable[..., Awaitable[Account]]:
    """Declare who may call a route: the caller must have one of these roles."""
    return Allow(*roles)


MODERATORS = (StaffRole.MODERATOR, StaffRole.LEAD, StaffRole.ADMIN)
Moderator = Annotated[Account, Depends(allow(*MODERATORS))]
RightsHolder = Annotated[Account, Depends(allow(StaffRole.RIGHTS_HOLDER))]
# Anyone who logs in to a page: staff, and the portals' members (rights holders, authority).
MEMBERS = (*MODERATORS, StaffRole.RIGHTS_HOLDER, StaffRole.AUTHORITY)
Member = Annotated[Account, Depends(allow(*MEMBERS))]
# A member whose password may still be the one-time one an administrator set.
NewMember = Annotated[Account, Depends(Allow(*MEMBERS, before_own_password=True))]
Lead = Annotated[Account, Depends(allow(*LEADS))]
Admin = Annotated[Account, Depends(allow(StaffRole.ADMIN))]
INTAKE = (StaffRole.INTEGRATION, StaffRole.ADMIN)
Intake = Annotated[Account, Depends(allow(*INTAKE))]
IntakeCaller = Annotated[Caller, Depends(AllowCaller(*INTAKE))]
Reader = Annotated[Account, Depends(allow(*MODERATORS, StaffRole.INTEGRATION))]
