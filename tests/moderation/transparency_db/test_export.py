"""`moderation tdb export` writes the submitter's records as JSON lines, for a period."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from moderation.config import get_settings
from moderation.domain import Restriction
from moderation.migrate import upgrade
from moderation_cli import app
from tests.statement_rows import make_statement


def test_export_writes_the_period_as_json_lines(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url)
    engine = create_engine(url)
    in_june = datetime(2026, 6, 15, 12, tzinfo=UTC)
    with Session(engine) as session:
        kept = make_statement(session, created_at=in_june, starts_at=in_june)
        make_statement(session, restriction=Restriction.STRIKE, created_at=in_june)
        make_statement(session, created_at=datetime(2026, 7, 1, 0, 0, 1, tzinfo=UTC))
        leaking = make_statement(session, created_at=in_june, facts="Mail me: a@b.pl")
        puids = kept.puid, leaking.puid
        session.commit()
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    out = tmp_path / "june.jsonl"
    result = CliRunner().invoke(app, ["tdb", "export", "--from", "2026-06-01",
                                      "--to", "2026-06-30", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["puid"] for r in lines] == [puids[0]]
    assert lines[0]["decision_visibility"] == ["DECISION_VISIBILITY_CONTENT_REMOVED"]
    assert lines[0]["application_date"] == "2026-06-15"
    assert f"left out {puids[1]}" in result.output
    assert "written 1, not reported (no restriction) 1, left out 1" in result.output


def test_export_refuses_a_period_that_ends_before_it_starts() -> None:
    result = CliRunner().invoke(app, ["tdb", "export", "--from", "2026-06-02",
                                      "--to", "2026-06-01"])
    assert result.exit_code != 0
