"""Regex conditions: the literal prefilter and validation against normalised text."""

from __future__ import annotations

import pytest

from rules.regexes import check_regex, required_literals

LITERALS = [
    ("replika", {"replika"}),
    (r"\breplika\b", {"replika"}),
    (r"(?<![\d.,:])1 ?: ?1(?![\d.,:])", None),  # "1" alone is too short to prefilter
    (r"oryginal(?:ny|na|ne)? ?\?", {"oryginal"}),
    (r"(?:fake|replica) \d+", {"fake", "replica"}),
    (r"abc(def|xyz)+", {"abc"}),  # as long as the branches, and one literal is cheaper
    (r"(def|xyz)+ab", {"def", "xyz"}),
    (r"ab(?:cdef)?", {"ab"}),
    (r"x?y", None),
    (r"\d{3} ?zl", {"zl"}),
    (r"[a-z]+ ?wodka", {"wodka"}),
    (r"(?:kopia|x)", None),  # one branch has no usable literal
]


@pytest.mark.parametrize(("pattern", "expected"), LITERALS)
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    found = required_literals(pattern)
    assert (set(found) if found is not None else None) == expected


@pytest.mark.parametrize(("pattern", "problem"), [
    ("(", "bad regex"),
    ("Replika", "never occurs in normalised text"),
    ("podróbka", "write 'o'"),
    ("(?i)replika", "already case-folded"),
    ("r-e", "never occurs"),  # dashes become spaces
])
def test_check_regex_rejects(pattern: str, problem: str) -> None:
    message = check_regex(pattern)
    assert message is not None and problem in message


def test_check_regex_accepts_normalised_patterns() -> None:
    assert check_regex(r"oryginal ?\?") is None
    assert check_regex(r"[A-Z]{2}") is None  # classes are the author's business
