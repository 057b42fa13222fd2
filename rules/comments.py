"""Comments (a buyer's on a transaction) screened by the same engine as offers.

A comment is read as the title of an OfferText: every text condition reads the title by
default, and the seller, price and brand conditions find nothing to read. Its packs live in
a directory of their own, so offers and comments never meet each other's rules.
"""

from __future__ import annotations

from pathlib import Path

from rules.engine import RuleSet
from rules.loader import DEFAULT_PACKS_DIR, load_ruleset
from rules.types import OfferText

FEEDBACK_PACKS_DIR = DEFAULT_PACKS_DIR / "feedback"
# What a hit's span names the comment's field: the title it was read as.
COMMENT_FIELD = "title"


def comment_text(comment: str) -> OfferText:
    """The OfferText the rules read for a comment."""
    return OfferText(title=comment)


def load_comment_ruleset(directory: Path | None = None) -> RuleSet:
    """Load the comment packs (default rules/packs/feedback), data files from rules/data."""
    return load_ruleset(directory or FEEDBACK_PACKS_DIR)
