"""Logging in and out, one's own password (set after a one-time one, or changed), the language."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import PASSWORD_PAGE, SESSION_COOKIE, NewMember, RuntimeDep, SessionDep
from api.rate_limits import LoginRateLimit, client_address
from api.templating import render
from moderation.accounts import auth, staff
from moderation.config import get_settings
from moderation.domain import StaffRole
from moderation.errors import InvalidInput, RateLimited
from moderation.schemas import Text

router = APIRouter(include_in_schema=False)
# Before there is a session, the login form is protected by a double-submit cookie.
LOGIN_CSRF_COOKIE = "moderation_login_csrf"
# Where each kind of account starts; staff start at the queue.
HOME_OF = {StaffRole.RIGHTS_HOLDER.value: "/portal", StaffRole.AUTHORITY.value: "/authority"}


def _safe_next(target: str | None) -> str:
    """Only paths on this site: an open redirect would help phishing."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/queue"


def _login_page(request: Request, *, next_url: str, error: str | None = None,
                status_code: int = 200, retry_after: int = 0) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(request, "login.html", {"next_url": next_url, "error": error,
                                              "retry_after": retry_after,
                                              "login_csrf": token}, status_code=status_code)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict",
                        secure=get_settings().cookie_secure, path="/login")
    return response


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return _login_page(request, next_url=_safe_next(next))


@router.post("/login")
def login(request: Request, session: SessionDep, runtime: RuntimeDep,
          _limited: LoginRateLimit, name: Annotated[Text, Form()],
          password: Annotated[str, Form()], csrf_token: Annotated[str, Form()] = "",
          next: Annotated[str, Form()] = "/queue") -> Response:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie, csrf_token):
        return _login_page(request, next_url=_safe_next(next), error="csrf", status_code=403)
    settings = runtime.settings
    result = auth.login(session, throttle=runtime.login_throttle, name=name, password=password,
                        address=client_address(request))
    if result.token is None:
        # Held back: 429, and the form says when to try again (not a lock: the wait ends).
        status = 429 if result.error == "throttled" else 401
        return _login_page(request, next_url=_safe_next(next), error=result.error,
                           status_code=status, retry_after=result.retry_after)
    session.commit()
    target = _safe_next(next)
    if result.staff is not None and target == "/queue":
        target = HOME_OF.get(result.staff.role, target)
    if result.staff is not None and result.staff.password_must_change:
        # An administrator's one-time password: nothing else until the owner sets theirs.
        target = f"{PASSWORD_PAGE}?next={quote(target)}"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(SESSION_COOKIE, result.token, httponly=True, samesite="lax",
                        secure=settings.cookie_secure, max_age=settings.session_hours * 3600)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


def _password_page(request: Request, *, one_time: bool, next_url: str,
                   error: InvalidInput | RateLimited | None = None, changed: bool = False,
                   status_code: int = 200) -> Response:
    response = render(request, "password_change.html", {
        "one_time": one_time, "next_url": next_url, "error": error, "changed": changed,
        "min_length": auth.MIN_PASSWORD_LENGTH}, status_code=status_code)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@router.get(PASSWORD_PAGE)
def password_form(request: Request, caller: NewMember, next: str | None = None,
                  changed: str | None = None) -> Response:
    """Setting one's own password after a one-time one, or else changing one's own."""
    home = HOME_OF.get(caller.role, "/queue")
    return _password_page(request, one_time=caller.password_must_change,
                          next_url=_safe_next(next or home), changed=bool(changed))


@router.post(PASSWORD_PAGE)
def set_password(request: Request, session: SessionDep, runtime: RuntimeDep,
                 caller: NewMember,
                 current_password: Annotated[str, Form(max_length=1_000)] = "",
                 new_password: Annotated[str, Form(max_length=1_000)] = "",
                 new_password_repeated: Annotated[str, Form(max_length=1_000)] = "",
                 next: Annotated[str, Form()] = "/queue") -> Response:
    target = _safe_next(next)
    one_time = caller.password_must_change
    web = auth.session_for_token(session, request.cookies.get(SESSION_COOKIE))
    if web is None:  # let in by an API key
        raise auth.SessionRequired("set or change a password from a logged-in browser, "
                                   "not with an API key")
    try:
        if one_time:
            # The administrator has just given it: no current password is asked.
            auth.set_own_password(session, caller, new=new_password,
                                  repeated=new_password_repeated, keep_session=web)
        else:
            auth.change_own_password(session, caller, throttle=runtime.login_throttle,
                                     address=client_address(request),
                                     current=current_password, new=new_password,
                                     repeated=new_password_repeated, keep_session=web)
    except (InvalidInput, RateLimited) as exc:
        session.rollback()
        return _password_page(request, one_time=one_time, next_url=target, error=exc,
                              status_code=exc.status_code)
    session.commit()
    # A change is confirmed on the page itself; after a one-time password, on where one was going.
    return RedirectResponse(target if one_time else f"{PASSWORD_PAGE}?changed=1",
                            status_code=303)


@router.post("/logout")
def logout(request: Request, session: SessionDep, _caller: NewMember) -> Response:
    auth.logout(session, request.cookies.get(SESSION_COOKIE))
    session.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.post("/settings/language")
def set_language(request: Request, session: SessionDep, caller: NewMember,
                 locale: Annotated[str, Form()]) -> Response:
    staff.set_locale(session, caller, locale)
    session.commit()
    back = request.headers.get("referer", "")
    path = back.split(str(request.base_url).rstrip("/"), 1)[-1] if back else "/queue"
    return RedirectResponse(_safe_next(path), status_code=303)

