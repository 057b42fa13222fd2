"""Regex conditions: validation against normalised text and required-literal extraction."""

from __future__ import annotations

import importlib
import re
from typing import Any

from rules.normalise import fold

# The stdlib parser is private but stable within a Python version; if it ever fails, a regex
# just loses its prefilter and runs on every offer that reaches it.
_parser: Any = importlib.import_module("re._parser")
_c: Any = importlib.import_module("re._constants")
MIN_LITERAL = 2


def _parse(pattern: str) -> Any:
    return _parser.parse(pattern)


def check_regex(pattern: str) -> str | None:
    """Why the pattern is unusable on normalised text, or None."""
    try:
        re.compile(pattern)
        tree = _parse(pattern)
    except re.error as exc:
        return f"bad regex {pattern!r}: {exc}"
    if tree.state.flags & _c.SRE_FLAG_IGNORECASE:
        return "(?i) is pointless: the text is already case-folded"
    for char in _literal_chars(tree):
        if char != " " and fold(char) != char:
            return (f"regex literal {char!r} never occurs in normalised text "
                    f"(write {fold(char)!r}); test patterns on rules.normalise.fold(text)")
    return None


def _literal_chars(seq: Any) -> set[str]:
    found: set[str] = set()
    for op, av in seq:
        if op is _c.LITERAL:
            found.add(chr(av))
        elif op is _c.BRANCH:
            for alt in av[1]:
                found |= _literal_chars(alt)
        elif op is _c.SUBPATTERN:
            found |= _literal_chars(av[3])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            found |= _literal_chars(av[2])
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            found |= _literal_chars(av[1])
        elif op is _c.ATOMIC_GROUP:
            found |= _literal_chars(av)
    return found


def required_literals(pattern: str) -> frozenset[str] | None:
    """Strings of which every match contains at least one, or None if none can be told."""
    try:
        tree = _parse(pattern)
    except (re.error, AttributeError, TypeError, IndexError):
        return None
    if tree.state.flags & _c.SRE_FLAG_IGNORECASE:
        return None
    best = _required(tree)
    if best is None or min(map(len, best)) < MIN_LITERAL:
        return None
    return frozenset(best)


def _better(a: set[str] | None, b: set[str] | None) -> set[str] | None:
    """The more selective of two alternatives: longer shortest literal, then fewer literals."""
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b, key=lambda s: (min(map(len, s)), -len(s)))


def _required(seq: Any) -> set[str] | None:
    best: set[str] | None = None
    run = ""
    for op, av in seq:
        if op is _c.LITERAL:
            run += chr(av)
            continue
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # zero-width: the literals either side stay adjacent
        if run:
            best = _better(best, {run})
            run = ""
        inner: set[str] | None = None
        if op is _c.BRANCH:
            alts = [_required(alt) for alt in av[1]]
            if all(a is not None for a in alts):
                inner = set().union(*(a for a in alts if a is not None))
        elif op is _c.SUBPATTERN and not av[1] & _c.SRE_FLAG_IGNORECASE:
            inner = _required(av[3])
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
            inner = _required(av[2])
        elif op is _c.ATOMIC_GROUP:
            inner = _required(av)
        best = _better(best, inner)
    if run:
        best = _better(best, {run})
    return best
