"""Helpers for console tests: log a TestClient in through the real login form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from api.app import create_app
from tests.factories import runtime_of

CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]*)"')


def csrf_of(html: str) -> str:
    """The CSRF token a page put into its forms."""
    match = CSRF_INPUT.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def logged_in(session: Session, name: str, password: str) -> TestClient:
    """A fresh browser-like client with a session for this account, on the runtime of the
    test's session."""
    client = TestClient(create_app(runtime_of(session)))
    form = client.get("/login")
    response = client.post("/login", data={"name": name, "password": password,
                                           "csrf_token": csrf_of(form.text), "next": "/queue"},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client
