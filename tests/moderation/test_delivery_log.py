"""The embedded default delivers to the log: with neither SMTP nor a webhook, every message
marked sent that way is really written, recipient, kind and whole body, by a process whose
logging is configured as start-up configures it."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from moderation import logs
from moderation.config import Settings
from moderation.delivery import deliver_pending
from moderation.tables import OutboxMessage
from tests.statement_builders import rule_block

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _root_restored() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_a_statement_of_reasons_delivered_to_the_log_is_in_it_whole(
        session: Session, capsys: pytest.CaptureFixture[str]) -> None:
    statement = rule_block(session)
    message = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "seller.statement_of_reasons",
        OutboxMessage.payload["decision_id"].as_integer() == statement.decision_id)).one()
    text = message.payload["text"]
    assert "\n" in text and len(text) > 200  # the statement as the seller reads it
    logs.configure(Settings(log_format="json"))  # as the `moderation` command starts
    capsys.readouterr()

    assert deliver_pending(session, settings=Settings(smtp_host=None,
                                                      seller_webhook_url=None)) >= 1
    assert message.channel == "log" and message.status == "sent"
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    (line,) = [x for x in lines if x.get("outbox_id") == message.id]
    assert line["level"] == "INFO" and line["logger"] == "moderation.delivery"
    assert line["kind"] == "seller.statement_of_reasons"
    assert line["recipient"] == message.recipient
    assert str(line["message"]).endswith(text)


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A fresh install's environment: no LOG_*, SMTP, webhook or Redis settings."""
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'moderation.db'}", **extra}


DELIVER = textwrap.dedent("""
    import moderation_cli
    from moderation.config import get_settings
    from moderation.db import make_engine
    from moderation.delivery import deliver_pending
    from moderation.outbox import notify
    from sqlalchemy.orm import Session

    moderation_cli._start()  # what the `moderation` command runs before any command
    with Session(make_engine(get_settings().database_url)) as session:
        notify(session, kind="seller.statement_of_reasons", recipient="seller:S-7",
               payload={"text": "Oferta usunięta.\\nPodstawa: podróbka (art. 17 DSA).",
                        "offer_id": 7})
        notify(session, kind="notifier.acknowledgement", recipient="email:brand@example.pl",
               payload={"notice_id": 3, "offers": [11, 12]})
        session.commit()
        print(deliver_pending(session))
        session.commit()
""")


@pytest.mark.parametrize("log_format", ["", "text"])
def test_a_fresh_process_writes_each_message_to_its_log(tmp_path: Path, log_format: str
                                                        ) -> None:
    env = _clean_env(tmp_path, **({"LOG_FORMAT": log_format} if log_format else {}))
    migrated = subprocess.run([sys.executable, "-m", "moderation_cli", "migrate"], env=env,
                              cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stderr
    run = subprocess.run([sys.executable, "-c", DELIVER], env=env, cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "2"
    if log_format == "text":
        err = run.stderr
        assert "INFO    moderation.delivery outbox 1 seller.statement_of_reasons -> seller:S-7"\
            in err
        assert "Oferta usunięta.\nPodstawa: podróbka (art. 17 DSA)." in err
        assert "notifier.acknowledgement -> brand@example.pl" in err
        assert "notice id: 3" in err and "offers:\n  -: 11\n  -: 12" in err
        return
    # Not a terminal and no LOG_FORMAT: JSON lines, the migration's own among them.
    lines = [json.loads(line) for line in run.stderr.splitlines()]
    delivered = {line["recipient"]: line for line in lines if "outbox_id" in line}
    assert delivered["seller:S-7"]["kind"] == "seller.statement_of_reasons"
    assert str(delivered["seller:S-7"]["message"]).endswith(
        "Oferta usunięta.\nPodstawa: podróbka (art. 17 DSA).")
    assert delivered["brand@example.pl"]["kind"] == "notifier.acknowledgement"
    assert "notice id: 3" in str(delivered["brand@example.pl"]["message"])
    migration = [json.loads(line) for line in migrated.stderr.splitlines()
                 if line.startswith("{")]
    assert any(line["logger"].startswith("alembic") for line in migration)
