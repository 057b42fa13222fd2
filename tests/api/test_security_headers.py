"""Security headers: a strict policy on the console's pages, a looser one on the API docs,
HSTS only behind secure cookies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from moderation.config import get_settings
from moderation.runtime import Runtime

TEMPLATES = Path(__file__).resolve().parents[2] / "api" / "templates"
# An event handler or style attribute, or a script without a src.
INLINE = re.compile(r"\son[a-z]+\s*=|\sstyle\s*=|^<script(?![^>]*\bsrc=)")


def test_pages_are_sent_with_a_strict_policy_and_cannot_be_framed(client: TestClient) -> None:
    page = client.get("/login")
    policy = page.headers["content-security-policy"]
    for directive in ("script-src 'self'", "frame-ancestors 'none'", "object-src 'none'",
                      "base-uri 'self'", "form-action 'self'"):
        assert directive in policy
    assert "unsafe-inline" not in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in page.headers


def test_api_answers_and_refusals_carry_the_headers_too(client: TestClient) -> None:
    for response in (client.get("/v1/cases"), client.post("/v1/offers", content=b"x" * 70_000,
                                                          headers={"X-API-Key": "k"})):
        assert response.status_code in (401, 413)
        assert response.headers["x-content-type-options"] == "nosniff"


def test_the_api_docs_alone_may_run_their_inline_bootstrap(client: TestClient) -> None:
    for path in ("/docs", "/redoc"):
        policy = client.get(path).headers["content-security-policy"]
        assert "script-src 'self' 'unsafe-inline'" in policy and "frame-ancestors 'none'" in policy


def test_hsts_is_sent_only_with_secure_cookies(runtime: Runtime,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOKIE_SECURE", "true")
    get_settings.cache_clear()
    with TestClient(create_app(runtime)) as secure:
        assert secure.get("/login").headers["strict-transport-security"].startswith("max-age=")


def test_no_template_has_inline_script_style_or_handlers() -> None:
    """What the pages' policy would block: the browser test sees it, this names the file."""
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<[a-z][^>]*>", text):
            assert not INLINE.search(tag), (template.name, tag)
