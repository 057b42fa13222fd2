"""The README's first command, end to end: SQLite, the in-process queue, a real server process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.factories import COUNTERFEIT_TITLE, offer_event
from tests.live_server import wait_until_serving

BIN = Path(sys.executable).parent / "moderation"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'moderation.db'}"
    return env


def _run(env: dict[str, str], *args: str, check: bool = True
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN), *args], env=env, capture_output=True, text=True,
                          timeout=120, check=check)


@pytest.fixture
def server(embedded_env: dict[str, str],
           tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    _run(embedded_env, "migrate")
    keys = {role: subprocess.run(
        [str(BIN), "users", "create", f"e2e-{role}", "--role", role, "--password-stdin"],
        env=embedded_env, input="e2e password 123\n", capture_output=True, text=True,
        timeout=120, check=True).stdout.strip() for role in ("integration", "moderator")}
    port = _free_port()
    # A file, not a pipe: nobody reads a pipe while the test runs, and a full one blocks.
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([str(BIN), "serve", "--port", str(port)], env=embedded_env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base, seconds=20)
        yield base, keys
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
        # Shown by pytest when the test fails.
        print((tmp_path / "server.log").read_text(errors="replace")[-5000:])


def test_embedded_service_screens_and_reviews(server: tuple[str, dict[str, str]]) -> None:
    base, keys = server
    intake = {"X-API-Key": keys["integration"]}
    mod = {"X-API-Key": keys["moderator"]}
    created = httpx.post(f"{base}/v1/offers", headers=intake,
                         json=offer_event(title="Bluza Supreme replika AAA tanio", brand=None,
                                          category="Odzież > Męska", price="89.00"))
    assert created.status_code == 201
    offer_id = created.json()["id"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        body = httpx.get(f"{base}/v1/offers/{offer_id}", headers=mod).json()
        if body["offer"]["screened_version"] == 1:
            break
        time.sleep(0.2)
    else:
        pytest.fail("the in-process worker never screened the offer")
    assert body["screenings"][0]["route"] == "review"
    case = httpx.post(f"{base}/v1/cases/claim-next", headers=mod).json()["case"]
    assert case["offer_id"] == offer_id
    decided = httpx.post(f"{base}/v1/cases/{case['id']}/decision", headers=mod,
                         json={"action": "remove", "reason_code": "COUNTERFEIT"})
    assert decided.status_code == 201
    body = httpx.get(f"{base}/v1/offers/{offer_id}", headers=mod).json()
    assert body["offer"]["status"] == "removed"


def test_embedded_import_screens_before_exit(embedded_env: dict[str, str],
                                             tmp_path: Path) -> None:
    _run(embedded_env, "migrate")
    path = tmp_path / "offers.ndjson"
    lines = [json.dumps(offer_event(marketplace_id=f"imp-{i}")) for i in range(30)]
    lines.append(json.dumps(offer_event(marketplace_id="imp-bad", title="")))
    lines.append("{not json")
    lines.append(json.dumps(offer_event(marketplace_id="imp-x", title=COUNTERFEIT_TITLE)))
    path.write_text("\n".join(lines) + "\n")
    result = _run(embedded_env, "import-offers", str(path), check=False)
    assert result.returncode == 1, "rejected lines make the import fail"
    assert "accepted 31, rejected 2" in result.stderr
    assert "title" in result.stderr and "not JSON" in result.stderr
    out = tmp_path / "screened.jsonl"
    dry = _run(embedded_env, "screen", str(path), "--out", str(out))
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    routes = {r["id"]: r["route"] for r in rows}
    assert len(rows) == 31 and routes["imp-0"] == "allow" and routes["imp-x"] == "block"
    assert "hits per rule" in dry.stderr
    assert "skipped line 31: title: missing" in dry.stderr
    assert "skipped line 32: not JSON" in dry.stderr
    clean = tmp_path / "clean.ndjson"
    clean.write_text("".join(json.dumps(offer_event(marketplace_id=f"ok-{i}")) + "\n"
                             for i in range(3)))
    assert _run(embedded_env, "import-offers", str(clean), check=False).returncode == 0


def test_embedded_safety_gate_import_fails_on_rejected_records(
        embedded_env: dict[str, str]) -> None:
    _run(embedded_env, "migrate")
    data = Path(__file__).parent / "data" / "safety_gate"
    feed = _run(embedded_env, "import-safety-gate", str(data / "weekly_feed.xml"), check=False)
    assert feed.returncode == 1, "a rejected record makes the import fail"
    assert "rejected record 4: no alert number" in feed.stderr
    assert "3 alert(s) to match, 1 matching job(s) enqueued" in feed.stderr
    sample = _run(embedded_env, "import-safety-gate", str(data / "alerts_sample.json"),
                  check=False)
    assert sample.returncode == 0, sample.stderr[-2000:]
    assert "36 alert(s) to match" in sample.stderr
    again = _run(embedded_env, "import-safety-gate", str(data / "alerts_sample.json"),
                 check=False)
    assert again.returncode == 0 and "0 alert(s) to match, 0 matching job(s)" in again.stderr
