"""`moderation screen FILE --compare DIR`: what a candidate pack or model would change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from models.train import DEFAULT_BUNDLE_DIR
from tests.moderation.screening.guard_packs import PLAIN_TITLE, rule, write_pack

BIN = Path(sys.executable).parent / "moderation"
STEADY, CANDIDATE = "test.steady", "test.candidate"


@pytest.fixture
def offers(tmp_path: Path) -> Path:
    path = tmp_path / "offers.jsonl"
    titles = [f"{PLAIN_TITLE} zzcand"] * 3 + [f"{PLAIN_TITLE} zzsteady"] * 2 + [
        f"{PLAIN_TITLE} zzcand zzsteady", PLAIN_TITLE, "Namiot turystyczny 4-osobowy"]
    path.write_text("".join(json.dumps({"id": f"o-{i}", "title": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(titles)), encoding="utf-8")
    return path


@pytest.fixture
def live(tmp_path: Path) -> Path:
    return write_pack(tmp_path / "live" / "packs", rule(STEADY, "zzsteady"))


@pytest.fixture
def candidate(tmp_path: Path) -> Path:
    # The candidate adds a rule and makes the steady one block instead of review.
    return write_pack(tmp_path / "candidate" / "packs", rule(STEADY, "zzsteady", outcome="block"),
                      rule(CANDIDATE, "zzcand"))


def _table_rows(text: str) -> list[list[str]]:
    """The cells of every table row rich printed (│-separated)."""
    return [[c.strip() for c in line.split("│")[1:-1]] for line in text.splitlines()
            if line.startswith("│")]


def _screen(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([str(BIN), "screen", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_compare_with_a_rule_pack_prints_the_moves(offers: Path, live: Path, candidate: Path,
                                                   tmp_path: Path) -> None:
    out = tmp_path / "compared.jsonl"
    result = _screen(str(offers), "--rules", str(live), "--compare", str(candidate),
                     "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = result.stderr
    assert "6 of 8 offers move" in text
    cells = {row[0]: row[1:] for row in _table_rows(text)}
    # live allow -> (allow, review, block); live review -> (allow, review, block)
    assert cells["allow"] == ["2", "3", "0"] and cells["review"] == ["0", "0", "3"]
    # newly flags, no longer flags, other outcome, moved stricter, moved laxer
    assert cells[CANDIDATE] == ["+4", "-0", "0", "3", "0"]
    assert cells[STEADY] == ["+0", "-0", "3", "3", "0"]
    assert "allow -> review  o-0" in text and f"+{CANDIDATE}" in text
    assert f"review -> block  o-3  {PLAIN_TITLE + ' zzsteady'!r}" in text
    assert f"{STEADY} review->block" in text

    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 8
    by_id = {line["id"]: line for line in lines}
    assert by_id["o-0"]["route"] == "allow" and by_id["o-0"]["compare"]["route"] == "review"
    assert by_id["o-0"]["moved"] is True and by_id["o-6"]["moved"] is False
    assert [h["rule_id"] for h in by_id["o-0"]["compare"]["hits"]] == [CANDIDATE]


def test_compare_tells_a_model_bundle_from_a_rule_pack(offers: Path, live: Path) -> None:
    result = _screen(str(offers), "--rules", str(live), "--compare", str(DEFAULT_BUNDLE_DIR))
    assert result.returncode == 0, result.stderr
    assert "0 of 8 offers move" in result.stderr  # the live bundle compared with itself


def test_compare_refuses_a_directory_of_neither(offers: Path, tmp_path: Path) -> None:
    result = _screen(str(offers), "--compare", str(tmp_path))
    assert result.returncode == 2
    assert "neither a model bundle" in result.stderr
