"""Writing a filled template: one CSV file per part, named as the template's, or one workbook."""

from __future__ import annotations

import csv
from pathlib import Path

from moderation.reports.template import Cell
from moderation.reports.transparency import TransparencyReport


def _text(value: Cell) -> str:
    return "" if value is None else str(value)


def write_csv(report: TransparencyReport, directory: Path) -> list[Path]:
    """Write each part as the template's CSV file of the same name; return the files."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for filled in report.sheets:
        path = directory / filled.sheet.part
        with path.open("w", newline="", encoding="utf-8") as fh:
            # The template's parts end lines with LF; so do ours.
            out = csv.writer(fh, lineterminator="\n")
            out.writerow(filled.sheet.header)
            out.writerows([_text(c) for c in row] for row in filled.rows)
        written.append(path)
    return written


def write_xlsx(report: TransparencyReport, path: Path) -> Path:
    """Write one workbook with the template's eleven sheets, in its order."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for filled in report.sheets:
        sheet = book.create_sheet(filled.sheet.name)
        sheet.append(list(filled.sheet.header))
        for row in filled.rows:
            # Empty cells stay empty, not "": a filer's reader tells "no figure" from text.
            sheet.append([None if c == "" else c for c in row])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path
