"""Data files next to the packs (phrase lists, brand lists), read once and remembered."""

from __future__ import annotations

import re
from pathlib import Path

from rules.brands import BrandEntry, entry, parse_catalogue, parse_plain_list
from rules.normalise import fold

DEFAULT_DATA_DIR = Path(__file__).parent / "data"
# Plain names only: a pack must not reach outside its data directory.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")


class DataFiles:
    """Reads files of one data directory and records what was read (for the version hash)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or DEFAULT_DATA_DIR
        self.used: dict[str, bytes] = {}
        self._phrases: dict[str, tuple[str, ...]] = {}
        self._brands: dict[str, tuple[BrandEntry, ...]] = {}

    def read(self, name: str) -> str:
        """Text of a data file; ValueError if the name or the file is bad."""
        if not isinstance(name, str) or not _NAME.fullmatch(name) or ".." in name:
            raise ValueError(f"data file name {name!r} must be a plain file name")
        path = self.directory / name
        if not path.is_file():
            raise ValueError(f"data file {name!r} not found in {self.directory}")
        raw = path.read_bytes()
        self.used[name] = raw
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"data file {name!r} is not UTF-8") from None

    def phrases(self, name: str) -> tuple[str, ...]:
        """Normalised phrases of a list file: one a line, '#' comments."""
        if name not in self._phrases:
            out = []
            for n, raw in enumerate(self.read(name).splitlines(), 1):
                line = raw.split("#", 1)[0].strip()
                if not line:
                    continue
                key = fold(line)
                if not key:
                    raise ValueError(f"{name} line {n}: {line!r} is empty after normalisation")
                out.append(key)
            if not out:
                raise ValueError(f"phrase list {name!r} is empty")
            self._phrases[name] = tuple(dict.fromkeys(out))
        return self._phrases[name]

    def brands(self, name: str) -> tuple[BrandEntry, ...]:
        """Entries of a brand catalogue (.csv) or plain brand list."""
        if name not in self._brands:
            text = self.read(name)
            try:
                entries = parse_catalogue(text) if name.endswith(".csv") else \
                    parse_plain_list(text)
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
            if not entries:
                raise ValueError(f"brand list {name!r} is empty")
            self._brands[name] = tuple(entries)
        return self._brands[name]

    def inline_brands(self, names: tuple[str, ...]) -> tuple[BrandEntry, ...]:
        """Entries for brands written in the pack itself."""
        entries = tuple(entry(n) for n in names)
        empty = [e.name for e in entries if not e.keys]
        if empty:
            raise ValueError(f"brand {empty[0]!r} is empty after normalisation")
        return entries
