"""A running worker picks up a changed rule pack without a restart, and survives a broken one."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from moderation.config import Settings
from moderation.screening.screener import Screener
from rules.errors import RulePackError
from rules.loader import DEFAULT_PACKS_DIR
from rules.types import OfferText

NEW_MARKER = "zzkopiazz"
OFFER = OfferText(title=f"Buty Nike Air Max 90 rozmiar 42 {NEW_MARKER}")


@pytest.fixture
def packs(tmp_path: Path) -> Path:
    """A private copy of the shipped packs and their data files."""
    root = tmp_path / "rules"
    shutil.copytree(DEFAULT_PACKS_DIR, root / "packs")
    shutil.copytree(DEFAULT_PACKS_DIR.parent / "data", root / "data")
    return root / "packs"


def _touch_later(path: Path) -> None:
    # A distinct mtime even on filesystems with coarse timestamps.
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def test_a_changed_phrase_list_is_used_on_the_next_batch(packs: Path) -> None:
    screener = Screener(Settings(rules_dir=packs))
    before, (first,) = screener.assess([OFFER])
    assert first.route.value == "allow"

    markers = packs.parent / "data" / "counterfeit_markers.txt"
    markers.write_text(markers.read_text(encoding="utf-8") + f"\n{NEW_MARKER}\n",
                       encoding="utf-8")
    _touch_later(markers)
    after, (second,) = screener.assess([OFFER])
    assert after.ruleset.version != before.ruleset.version
    assert second.route.value == "block"


def test_a_broken_pack_keeps_the_previous_version_screening(
    packs: Path, caplog: pytest.LogCaptureFixture
) -> None:
    screener = Screener(Settings(rules_dir=packs))
    before, _ = screener.assess([OFFER])
    pack = packs / "counterfeit.yaml"
    pack.write_text(pack.read_text(encoding="utf-8").replace("outcome: block",
                                                             "outcome: obliterate", 1),
                    encoding="utf-8")
    _touch_later(pack)
    after, _ = screener.assess([OFFER])
    assert after.ruleset is before.ruleset
    assert "did not load" in caplog.text and "counterfeit.yaml" in caplog.text


def test_a_broken_pack_at_start_is_an_error(packs: Path) -> None:
    (packs / "counterfeit.yaml").write_text("rules: [{id: x}]\n", encoding="utf-8")
    with pytest.raises(RulePackError, match=r"counterfeit\.yaml"):
        Screener(Settings(rules_dir=packs)).assess([OFFER])
