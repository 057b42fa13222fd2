"""Every setting is in the README's settings table, and the table names no other."""

from __future__ import annotations

import re
from pathlib import Path

from moderation.config import Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def documented() -> list[str]:
    """The settings named in the first column of the README's "Settings" table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n### Settings\n", 1)[1].split("\n#", 1)[0]
    return re.findall(r"^\| `([A-Z0-9_]+)` \|", section, flags=re.MULTILINE)


def test_every_setting_has_a_row_in_the_readme() -> None:
    names = documented()
    fields = [name.upper() for name in Settings.model_fields]
    assert [f for f in fields if f not in names] == [], "add these to README's Settings"
    assert [n for n in names if n not in fields] == [], "the README names settings that are gone"
    assert len(names) == len(set(names))
