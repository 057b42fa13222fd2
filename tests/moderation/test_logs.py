"""The logging set-up: the formats, the ids on every line, and secrets never written."""

from __future__ import annotations

import io
import json
import logging
import logging.config
from collections.abc import Iterator

import pytest

from moderation import logs
from moderation.config import Settings


@pytest.fixture(autouse=True)
def _root_restored() -> Iterator[None]:
    """The root logger as pytest set it up, again after each test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def configured(log_format: str = "json", level: str = "INFO") -> io.StringIO:
    stream = io.StringIO()
    logs.configure(Settings(log_format=log_format, log_level=level), stream=stream)  # type: ignore[arg-type]
    return stream


def json_lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


@pytest.mark.parametrize(("line", "secret"), [
    ("key mod_3f9c2a7b1e5d4c6a8b0f", "3f9c2a7b1e5d4c6a8b0f"),
    ("postgresql+psycopg://svc:Tajne-Haslo1@db:5432/moderation", "Tajne-Haslo1"),
    ("redis://:redispass@cache:6379/0", "redispass"),
    ("headers {'authorization': 'Bearer eyJhbGciOiJIUzI1NiJ9.x.y'}", "eyJhbGciOiJIUzI1NiJ9"),
    ("Authorization: Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
    ("{'cookie': 'session=5b1e0c3f2a; lang=pl'}", "5b1e0c3f2a"),
    ("X-API-Key: abcdef123456", "abcdef123456"),
    ("smtp_pa\u017fsword='hunter22'", "hunter22"),  # a long s is an s to re.I
    ("smtp_password='hunter22'", "hunter22"),
    ('{"password": "hunter22"}', "hunter22"),
    ("TDB_TOKEN=tok_live_abc123", "tok_live_abc123"),
    ("GET /login?next=/&token=9f8e7d6c HTTP/1.1", "9f8e7d6c"),
    ("webhook_secret: whsec_41414141", "whsec_41414141"),
    ("model_signing_key=moderation-dev-model-signing-key", "moderation-dev-model"),
])
def test_secrets_are_masked(line: str, secret: str) -> None:
    masked = logs.mask_secrets(line)
    assert secret not in masked and logs.MASK in masked


@pytest.mark.parametrize("line", [
    "outbox 7 seller.statement_of_reasons -> seller:s-1 (no webhook configured)",
    "Zegarek Rolex Submariner replika 1:1 — cena 450.00 PLN",
    "appeal at http://127.0.0.1:8000/offers/12/appeal within 6 months",
    "screened 500 offers in 0.42 s (rules 2026.11.3, model 7c1e)",
])
def test_ordinary_text_is_left_alone(line: str) -> None:
    assert logs.mask_secrets(line) == line


def test_a_json_line_has_time_level_logger_message_and_the_ids() -> None:
    stream = configured("json")
    token, job = logs.request_id.set("req-1"), logs.job_id.set("job-9")
    try:
        logging.getLogger("moderation.test").warning("hello %s", "świecie",
                                                     extra={"offer_id": 5})
    finally:
        logs.request_id.reset(token)
        logs.job_id.reset(job)
    logging.getLogger("moderation.test").info("after")
    first, second = json_lines(stream)
    assert first["level"] == "WARNING" and first["logger"] == "moderation.test"
    assert first["message"] == "hello świecie" and first["offer_id"] == 5
    assert first["request_id"] == "req-1" and first["job_id"] == "job-9"
    assert str(first["time"]).endswith("+00:00") and "context" not in first
    assert second["request_id"] is None and second["job_id"] is None


def test_secrets_in_arguments_extra_fields_and_tracebacks_are_masked() -> None:
    stream = configured("json")
    log = logging.getLogger("moderation.test")
    try:
        raise ConnectionError("cannot reach postgresql://svc:Sekret99@db/moderation")
    except ConnectionError:
        log.exception("login with %s failed", "mod_0123456789abcdef",
                      extra={"password": "Sekret99", "api_key": "mod_0123456789abcdef"})
    out = stream.getvalue()
    assert "Sekret99" not in out and "0123456789abcdef" not in out
    (line,) = json_lines(stream)
    assert line["password"] == logs.MASK and "ConnectionError" in str(line["exc_info"])


def test_a_text_line_reads_for_people_with_the_ids() -> None:
    stream = configured("text")
    with logs.job_context("screen-window-42"):
        logging.getLogger("workers.tasks").info("screened %d", 3)
    line = stream.getvalue().strip()
    assert " INFO    workers.tasks [job=screen-window-42] screened 3" in line
    assert not line.startswith("{")


def test_auto_is_text_on_a_terminal_and_json_elsewhere() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert logs.resolve_format("auto", Terminal()) == "text"
    assert logs.resolve_format("auto", io.StringIO()) == "json"
    assert logs.resolve_format("json", Terminal()) == "json"


def test_configuring_again_replaces_our_handler_and_keeps_others() -> None:
    root = logging.getLogger()
    foreign = logging.NullHandler()
    root.addHandler(foreign)
    configured("json")
    stream = configured("text", level="WARNING")
    ours = [h for h in root.handlers if getattr(h, logs.OURS, False)]
    assert len(ours) == 1 and foreign in root.handlers
    logging.getLogger("x").info("not at WARNING")
    logging.getLogger("x").warning("once")
    assert stream.getvalue().count("once") == 1 and "not at WARNING" not in stream.getvalue()


def test_levels_and_formats_are_read_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    s = Settings()
    assert (s.log_level, s.log_format) == ("DEBUG", "json")


def test_uvicorns_loggers_write_through_our_handler(capsys: pytest.CaptureFixture[str]) -> None:
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)  # as an earlier server left it
    logging.config.dictConfig(logs.uvicorn_config(Settings(log_format="json")))
    logging.getLogger("uvicorn.error").info("Started server process")
    logging.getLogger("uvicorn.access").info('%s - "%s %s HTTP/%s" %d', "127.0.0.1", "GET",
                                             "/login?token=abcdef12", "1.1", 200)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["logger"] for line in lines] == ["uvicorn.error", "uvicorn.access"]
    assert "abcdef12" not in str(lines[1]["message"])
    root = logging.getLogger()
    assert sum(getattr(h, logs.OURS, False) for h in root.handlers) == 1
