"""Data files next to the packs (phrase lists, brand lists), read once and remembered."""

from __future__ import annotations

import re
from pathlib import Path

from rules import inflection
from rules.brands import BrandEntry, entry, parse_catalogue, parse_plain_list
from rules.normalise import fold

DEFAULT_DATA_DIR = Path(__file__).parent / "data"
# Plain names only: a pack must not reach outside its data directory.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
# A phrase list whose first line is "#! inflect" (both languages) or "#! inflect: pl" (or
# "en", or "pl, en") has every phrase expanded to its inflected forms.
INFLECT_HEADER = "#! inflect"
FIXED = "="  # a line starting with it stays as written in an inflected list ("=elf bar")


class DataFiles:
    """Reads files of one data directory and records what was read (for the version hash)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or DEFAULT_DATA_DIR
        self.used: dict[str, bytes] = {}
        self.inflected = False  # some phrase was expanded: the version names the dictionary
        self._phrases: dict[tuple[str, tuple[str, ...]], tuple[str, ...]] = {}
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

    def phrases(self, name: str, *, inflect: tuple[str, ...] = ()) -> tuple[str, ...]:
        """Normalised phrases of a list file: one a line, '#' comments.

        With `inflect` languages (or a first line `#! inflect`), each phrase also in its
        inflected forms (rules.inflection), except lines written `=phrase`.
        """
        key = (name, inflect)
        if key not in self._phrases:
            lines = self.read(name).splitlines()
            inflect = inflect or self._header(name, lines[0] if lines else "")
            out = []
            for n, raw in enumerate(lines, 1):
                line = raw.split("#", 1)[0].strip()
                if not line:
                    continue
                fixed = line.startswith(FIXED)
                line = line.removeprefix(FIXED).strip()
                for form in self.forms(line, () if fixed else inflect):
                    folded = fold(form)
                    if not folded:
                        raise ValueError(f"{name} line {n}: {line!r} is empty after "
                                         f"normalisation")
                    out.append(folded)
            if not out:
                raise ValueError(f"phrase list {name!r} is empty")
            self._phrases[key] = tuple(dict.fromkeys(out))
        return self._phrases[key]

    @staticmethod
    def _header(name: str, first: str) -> tuple[str, ...]:
        first = first.strip()
        if not first.startswith(INFLECT_HEADER):
            return ()
        rest = first.removeprefix(INFLECT_HEADER).strip()
        if not rest:
            return inflection.LANGUAGES
        languages = inflection.parse_languages(
            [p for p in rest.removeprefix(":").split(",") if p.strip()])
        if languages is None:
            raise ValueError(f"{name} line 1: {first!r}: languages must be among "
                             f"{', '.join(inflection.LANGUAGES)}")
        return languages

    def forms(self, phrase: str, languages: tuple[str, ...]) -> list[str]:
        """The phrase, and in the given languages its inflected forms (not normalised)."""
        if not languages:
            return [phrase]
        self.inflected = True
        return inflection.expand(phrase, languages)

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
