"""Every inflected form of a phrase written once: Polish cases and numbers (Morfeusz 2, SGJP), and
English plurals (inflect), expanded when the rules load.

Polish: the head is the first common noun written in the nominative; adjectives next to it that
agree with it (case, number, gender) take the same case and number in every form ("kość
słoniowa" -> "kości słoniowej", "kością słoniową", "kości słoniowe", ...); every other word keeps
its form (a genitive complement: "róg nosorożca" -> "rogu nosorożca"), and so does everything
from a preposition on ("tytoń do skręcania" -> "tytoniu do skręcania"). A phrase that starts with
a preposition, has no nominative noun head, or has a word the dictionary does not know before
its head stays as written. A one-word phrase keeps only the forms that no other word of the
dictionary shares ("broni" is also a form of "bronić", "ginie" of "ginąć", "wina" means guilt),
so an ordinary word never stands in for the good; in a phrase of several words the other words
disambiguate. Vocative and archaic forms are left out.

English: a phrase of ASCII words that Polish cannot inflect gets its last word's plural (or, if
written in the plural, its singular): "rhino horn" -> "rhino horns", "brass knuckles" -> "brass
knuckle".

`version()` names the dictionaries and this algorithm; the rule set's version hashes it, so a
new dictionary (a different set of generated forms) is a new policy version.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

ALGORITHM = "1"
CASES = ("nom", "gen", "dat", "acc", "inst", "loc")
NUMBERS = ("sg", "pl")
_SKIP_QUALIFIERS = ("arch.", "daw.", "przest.")
_ASCII_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_ALPHA = re.compile(r"[^\W\d_]+")
# One analyser per process, shared by threads (the in-process worker and the API): its
# calls are serialised, they take microseconds.
_LOCK = threading.RLock()


@cache
def _morfeusz() -> Any:
    import morfeusz2  # the SGJP dictionary ships inside the wheel

    with _LOCK:
        return morfeusz2.Morfeusz(expand_tags=False)


def _unchecked(target: Any = None, **_options: Any) -> Any:
    """typeguard's @typechecked as it is under `python -O`: the function itself."""
    return target if target is not None else _unchecked


@cache
def _english() -> Any:
    # inflect decorates its engine with typeguard's @typechecked, which re-compiles each
    # method when the module is imported: 1.4 s of a 1.5 s import here. typeguard makes the
    # decorator a no-op under `python -O` ("checks not meant to be run in production"); the
    # checks only validate inflect's own arguments, so it is imported as -O would.
    import sys

    if "inflect" not in sys.modules:
        import typeguard

        saved = typeguard.typechecked
        typeguard.typechecked = _unchecked
        try:
            import inflect
        finally:
            typeguard.typechecked = saved
    import inflect

    return inflect.engine()


@cache
def version() -> str:
    """Dictionaries and algorithm behind the expansion, e.g. 'morfeusz2 1.99.15 pl.sgjp...'."""
    from importlib.metadata import version as dist_version

    import morfeusz2

    return (f"inflection {ALGORITHM}; morfeusz2 {morfeusz2.__version__} "
            f"{_morfeusz().dict_id()}; inflect {dist_version('inflect')}")


@dataclass(frozen=True, slots=True)
class _Reading:
    """One dictionary reading of a word: its lemma and grammatical tag, split in positions."""

    lemma: str
    pos: str
    tag: tuple[frozenset[str], ...]  # e.g. ({sg}, {nom, acc}, {m3}) for subst:sg:nom.acc:m3
    common: bool  # a common noun (or not a noun), not a proper name

    def has(self, index: int, value: str) -> bool:
        return len(self.tag) > index and value in self.tag[index]


def _base(lemma: str) -> str:
    """The lemma without its homonym mark ("lek:Sm3" -> "lek")."""
    return lemma.split(":", 1)[0]


@lru_cache(maxsize=200_000)
def _readings(word: str) -> tuple[_Reading, ...]:
    """Readings of one word; empty if the dictionary does not know it as one word."""
    out = []
    with _LOCK:
        analysis = _morfeusz().analyse(word)
    for start, end, (_form, lemma, tag, labels, _quals) in analysis:
        if (start, end) != (0, 1):  # split into several segments: not one known word
            return ()
        pos, *rest = tag.split(":")
        if pos == "ign":
            continue
        common = pos != "subst" or "nazwa_pospolita" in labels
        out.append(_Reading(lemma, pos, tuple(frozenset(p.split(".")) for p in rest), common))
    return tuple(out)


def _forms(lemma: str, pos: str, number: str, case: str, gender: str) -> list[str]:
    """Forms of a lemma in a number and case (and, for adjectives, a gender)."""
    out = []
    for form, _lemma, tag, _labels, quals in _generate(lemma):
        parts = tag.split(":")
        if parts[0] != pos or any(q in _SKIP_QUALIFIERS for q in quals):
            continue
        fields = [set(p.split(".")) for p in parts[1:]]
        if len(fields) < 3 or number not in fields[0] or case not in fields[1]:
            continue
        if gender and gender not in fields[2]:
            continue  # one gender throughout: "grzybek" (m2) and "grzybek" (m3) apart
        if pos == "adj" and "pos" not in fields[-1]:
            continue  # not the comparative or superlative
        if pos in ("ppas", "pact") and "aff" not in fields[-1]:
            continue  # not the negated participle ("nierektyfikowany")
        out.append(form)
    return out


@cache
def _generate(lemma: str) -> tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...]:
    with _LOCK:
        generated = _morfeusz().generate(lemma)
    return tuple((g[0], g[1], g[2], tuple(g[3]), tuple(g[4])) for g in generated)


def _split_hyphen(word: str) -> tuple[str, str]:
    """A compound like "e-papieros" inflects its last part: ("e-", "papieros")."""
    if "-" in word and not _readings(word):
        head, _, tail = word.rpartition("-")
        return head + "-", tail
    return "", word


@lru_cache(maxsize=100_000)
def is_polish_word(word: str) -> bool:
    """Whether the dictionary knows the word as an ordinary word (not only as a name)."""
    return any(r.common for r in _readings(word) or _readings(word.lower()))


def polish_forms(phrase: str) -> list[str]:
    """The phrase in every case and number, head noun and agreeing adjectives inflected."""
    words = phrase.split()
    if not words:
        return []
    split = [_split_hyphen(w) for w in words]
    head_at = None
    head: list[_Reading] = []
    for i, (_prefix, word) in enumerate(split):
        readings = _readings(word)
        if not readings:
            if not _readings(word.lower()):
                return [phrase]  # an unknown word before the head: not a Polish phrase
            readings = _readings(word.lower())
        if any(r.pos == "prep" for r in readings) and not any(
                r.pos == "subst" and r.common and r.has(1, "nom") for r in readings):
            return [phrase]  # starts with a preposition, or the head comes after one
        nouns = [r for r in readings if r.pos == "subst" and r.common and r.has(1, "nom")]
        if nouns:
            head_at, head = i, nouns
            break
        if not any(r.pos == "adj" and r.has(1, "nom") for r in readings):
            return [phrase]
    if head_at is None:
        return [phrase]
    out: dict[str, None] = {phrase: None}
    for reading in head:
        number = next(iter(reading.tag[0]))
        gender = min(reading.tag[2]) if len(reading.tag) > 2 else ""
        agreeing = _agreeing(split, head_at, number, gender)
        if agreeing is None:
            return [phrase]
        for num in NUMBERS:
            for case in CASES:
                for variant in _combine(split, head_at, reading.lemma, agreeing, num, case,
                                        gender):
                    out[variant] = None
    forms = list(out)
    if len(words) == 1:
        forms = [f for f in forms if f == phrase or _unambiguous(f, head)]
    return forms


_AGREEING = ("adj", "ppas", "pact")  # adjectives and participles: "spirytus rektyfikowany"


def _agreeing(split: list[tuple[str, str]], head_at: int, number: str,
              gender: str) -> dict[int, tuple[str, str]] | None:
    """Adjectives that agree with the head (before it, or right after it), by position.

    None when a word right after the head is unknown: whether it agrees cannot be told.
    """
    found: dict[int, tuple[str, str]] = {}

    def agrees(word: str) -> tuple[str, str] | None:
        for r in _readings(word) or _readings(word.lower()):
            if r.pos in _AGREEING and r.has(0, number) and r.has(1, "nom") and r.has(2, gender):
                return r.lemma, r.pos
        return None

    for i in range(head_at):
        found_here = agrees(split[i][1])
        if found_here is None:
            return None
        found[i] = found_here
    for i in range(head_at + 1, len(split)):
        word = split[i][1]
        if not (_readings(word) or _readings(word.lower())):
            return None
        found_here = agrees(word)
        if found_here is None:
            break
        found[i] = found_here
    return found


def _combine(split: list[tuple[str, str]], head_at: int, lemma: str,
             agreeing: dict[int, tuple[str, str]], number: str, case: str,
             gender: str) -> list[str]:
    heads = _forms(lemma, "subst", number, case, gender)
    if not heads:
        return []
    options: list[list[str]] = []
    for i, (prefix, word) in enumerate(split):
        if i == head_at:
            options.append([prefix + h for h in dict.fromkeys(heads)])
        elif i in agreeing:
            # m1 plural adjectives have their own forms; other genders share them.
            adj = _forms(*agreeing[i], number, case, gender)
            if not adj:
                return []
            options.append([prefix + a for a in dict.fromkeys(adj)])
        else:
            options.append([prefix + word])
    variants = [""]
    for choice in options:
        variants = [f"{v} {c}".strip() for v in variants for c in choice]
    return variants


def _unambiguous(form: str, head: list[_Reading]) -> bool:
    """No other word of the dictionary is spelled like this form."""
    lemmas = {_base(r.lemma) for r in head}
    return all(_base(r.lemma) in lemmas for r in _readings(form))


def english_forms(phrase: str) -> list[str]:
    """The phrase with its last word in the plural (or the singular, if written plural)."""
    words = phrase.split()
    if not words or not all(_ASCII_WORD.fullmatch(w) for w in words):
        return [phrase]
    last = words[-1]
    if len(last) < 3 or not _ALPHA.fullmatch(last) or any(r.common for r in _readings(last)):
        return [phrase]  # a Polish word ("skin" is one too) has no English plural here
    engine = _english()
    singular = engine.singular_noun(last)
    other = singular if isinstance(singular, str) else engine.plural_noun(last)
    if not other or other == last:
        return [phrase]
    return [phrase, " ".join([*words[:-1], other])]


LANGUAGES = ("pl", "en")


def parse_languages(value: object) -> tuple[str, ...] | None:
    """`true` (both), a language, or a list of them; None if it names none of LANGUAGES."""
    if value is True:
        return LANGUAGES
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        return None
    names = [str(v).strip() for v in items]
    if not all(n in LANGUAGES for n in names):
        return None
    return tuple(n for n in LANGUAGES if n in names)


def expand(phrase: str, languages: tuple[str, ...] = LANGUAGES) -> list[str]:
    """The phrase as written first, then its other Polish and English forms."""
    return list(_expand(phrase, languages))


@lru_cache(maxsize=20_000)
def _expand(phrase: str, languages: tuple[str, ...]) -> tuple[str, ...]:
    # Remembered: workers reload the packs whenever they change on disk.
    polish = polish_forms(phrase) if "pl" in languages else []
    # A phrase Polish can inflect is Polish; only the others are read as English.
    english = english_forms(phrase) if "en" in languages and len(polish) <= 1 else []
    return tuple(dict.fromkeys([phrase, *polish, *english]))
