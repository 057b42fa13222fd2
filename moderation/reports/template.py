"""The Annex I template as data: its sheets in order, their exact headers and pre-filled rows."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

TEMPLATE_DIR = Path(__file__).parent / "template"
# The placeholder the template puts where each filer writes its reporting period.
PERIOD_PLACEHOLDER = "YYYY-MM-DD/YYYY-MM-DD"

Cell = str | int | float | None


@dataclass(frozen=True, slots=True)
class Sheet:
    """One part of the template: its sheet name, its CSV file's name, header and rows."""

    name: str
    part: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def column(self, header: str) -> int:
        """The index of a column by its exact header."""
        return self.header.index(header)


def _read(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


@cache
def sheets() -> tuple[Sheet, ...]:
    """The template's eleven sheets in the fixed order of the regulation."""
    found = []
    for name, part in _read(TEMPLATE_DIR / "sheets.csv")[1:]:
        header, *rows = _read(TEMPLATE_DIR / part)
        found.append(Sheet(name=name, part=part, header=tuple(header),
                           rows=tuple(tuple(r) for r in rows)))
    return tuple(found)


def sheet(name: str) -> Sheet:
    """One sheet of the template by its exact name."""
    return next(s for s in sheets() if s.name == name)
