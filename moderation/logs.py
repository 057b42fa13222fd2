"""Logging, configured once when a process starts: one handler on the root logger, JSON in
production and readable lines on a terminal, each line with the request or job it belongs to,
and secrets masked on the way out.

Every process passes through here: the composed `moderation` command configures logging
before any command runs (moderation_cli.py), and `serve` hands Uvicorn `uvicorn_config()`,
which builds the same handler again in each of its worker processes rather than Uvicorn's
own. The request id (api/request_ids.py) and the RQ job id (workers/main.py) are context
variables, so a line written anywhere below a request or a job carries them.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any, Literal

from pythonjsonlogger.json import JsonFormatter

from moderation.config import Settings

LogFormat = Literal["auto", "json", "text"]

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
job_id: ContextVar[str | None] = ContextVar("job_id", default=None)

# The handler this module installs carries this attribute, so that configuring again
# replaces it and leaves anyone else's (pytest's capture, an embedding application's) alone.
OURS = "_moderation_handler"
TEXT_FORMAT = "%(asctime)s %(levelname)-7s %(name)s%(context)s %(message)s"
JSON_FIELDS = ("asctime", "levelname", "name", "message", "request_id", "job_id")
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
# Libraries whose INFO lines say nothing an operator needs (one per HTTP call, or Alembic
# listing its plugins before every migration).
QUIET = {"httpx": logging.WARNING, "httpcore": logging.WARNING,
         "alembic.runtime.plugins": logging.WARNING}
# Fields a library adds to its records that only its own console formatter reads.
DROPPED = ("context", "color_message")

MASK = "***"
# Secrets as they show up in log lines: in key=value or "key": "value" pairs (settings,
# query strings, dicts), as header values, inside URLs, as API keys and bearer tokens.
# Applied to the finished line, so that the message, its arguments, any extra fields and a
# traceback are all covered, whatever the format.
_SECRET_KEY = r"[\w-]*(?:password|passwd|secret|token|api[_-]?key|signing[_-]?key)[\w-]*"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # user:password@ in any URL (a database or Redis URL in an error message).
    (re.compile(r"(\b[a-z][a-z0-9+.\-]*://[^:/@\s\"']*:)[^@\s\"'/]+(@)", re.I), rf"\1{MASK}\2"),
    # Header values: everything up to the end of the value.
    (re.compile(r"(\b(?:proxy-)?authorization|\b(?:set-)?cookie|\bx-api-key)"
                r"([\"']?\s*[:=]\s*b?[\"']?)[^\"'\n]+", re.I), rf"\1\2{MASK}"),
    (re.compile(rf"(\b{_SECRET_KEY})([\"']?\s*[:=]\s*b?[\"']?)[^\"'\s,;&)}}\]]+", re.I),
     rf"\1\2{MASK}"),
    (re.compile(r"\b(bearer|basic)\s+[\w.~+/=\-]{8,}", re.I), rf"\1 {MASK}"),
    # The service's API keys (moderation/accounts/staff.py KEY_PREFIX), wherever they stand.
    (re.compile(r"\bmod_[\w\-]{4,}"), f"mod_{MASK}"),
)


# What one of the patterns above must find in a line before it can match. Most lines (an
# access line per request) hold none of them, and looking for them in the case-folded line
# took 2 µs where running the patterns took 87 µs (an access line, timeit). Case-folded as
# re.IGNORECASE matches: a long s (ſ) is an s to both.
_NEEDLES = ("://", "authorization", "cookie", "x-api-key", "passw", "secret", "token",
            "apikey", "api_key", "api-key", "signing", "bearer", "basic", "mod_")


def mask_secrets(text: str) -> str:
    """Return the text with every secret it holds replaced by ***."""
    folded = text.casefold()
    if not any(needle in folded for needle in _NEEDLES):
        return text
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class ContextFilter(logging.Filter):
    """Put the current request id and job id on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request, job = request_id.get(), job_id.get()
        record.__dict__.update(request_id=request, job_id=job)
        ids = [f"request={request}"] if request else []
        ids += [f"job={job}"] if job else []
        record.context = f" [{' '.join(ids)}]" if ids else ""
        return True


def _iso_time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class TextFormatter(logging.Formatter):
    """Lines a person reads on a terminal, secrets masked."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _iso_time(record)

    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record))


class JsonLinesFormatter(JsonFormatter):
    """One JSON object per line (python-json-logger), secrets masked; extra fields kept."""

    def __init__(self) -> None:
        super().__init__(list(JSON_FIELDS), rename_fields=RENAMED, json_ensure_ascii=False)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return _iso_time(record)

    def add_fields(self, log_data: dict[str, Any], record: logging.LogRecord,
                   message_dict: dict[str, Any]) -> None:
        super().add_fields(log_data, record, message_dict)
        for name in DROPPED:  # the text format's rendering of the ids; Uvicorn's colours
            log_data.pop(name, None)

    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record))


class StderrHandler(logging.StreamHandler):
    """A handler on whatever sys.stderr is when a line is written (not when configured), so
    that a command run under a test's captured stderr never writes to a closed stream."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self) -> IO[str]:
        return sys.stderr

    @stream.setter
    def stream(self, _value: IO[str]) -> None:
        pass


def resolve_format(log_format: str, stream: IO[str] | None = None) -> Literal["json", "text"]:
    """auto: readable text on a terminal, JSON otherwise (a container's log, a file)."""
    if log_format in ("json", "text"):
        return log_format  # type: ignore[return-value]
    target = stream if stream is not None else sys.stderr
    return "text" if getattr(target, "isatty", lambda: False)() else "json"


def build_handler(log_format: str = "auto", stream: IO[str] | None = None) -> logging.Handler:
    """The one handler: its format, the ids filter; on stderr unless given a stream."""
    handler: logging.Handler = (logging.StreamHandler(stream) if stream is not None
                                else StderrHandler())
    fmt = resolve_format(log_format, stream)
    handler.setFormatter(JsonLinesFormatter() if fmt == "json" else TextFormatter())
    handler.addFilter(ContextFilter())
    setattr(handler, OURS, True)
    return handler


def configure(settings: Settings, *, stream: IO[str] | None = None) -> logging.Handler:
    """Install the service's handler on the root logger (again: replacing it) at LOG_LEVEL."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, OURS, False)]:
        root.removeHandler(old)
    handler = build_handler(settings.log_format, stream)
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    for name, level in QUIET.items():
        logging.getLogger(name).setLevel(max(level, root.level))
    logging.captureWarnings(True)
    return handler


def uvicorn_config(settings: Settings) -> dict[str, Any]:
    """A logging config for uvicorn.run(log_config=...): our handler on the root logger and
    Uvicorn's loggers propagating to it, with no handlers or formats of their own.

    Uvicorn applies it in the serving process and in each process of `--workers N`, where
    nothing else would configure logging.
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "handlers": {"moderation": {"()": build_handler, "log_format": settings.log_format}},
        "root": {"handlers": ["moderation"], "level": settings.log_level.upper()},
        "loggers": {
            **{name: {"handlers": [], "propagate": True, "level": settings.log_level.upper()}
               for name in ("uvicorn", "uvicorn.error", "uvicorn.access")},
            **{name: {"level": logging.getLevelName(level)} for name, level in QUIET.items()},
        },
    }


@contextmanager
def job_context(job: str) -> Iterator[None]:
    """Lines written while this job runs carry its id."""
    token = job_id.set(job)
    try:
        yield
    finally:
        job_id.reset(token)
