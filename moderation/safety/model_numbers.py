"""Model numbers as sellers and Safety Gate write them, read into comparable keys.

Both sides of a safety match go through here: an offer's title and description, and an
alert's "Type / number of model", "Name" and "Product". A model is written many ways
("ES15-BB-TA", "ES15 BB TA", "es15bbta", "model: ES-15-BB-TA"); each reading gives the same
key, the model without case or separators. What is read as a model:

- a **labelled** model: "model 4455", "mod. 4455", "art. 905", "art.nr 905", "nr kat. 123",
  "typ ES15", "type ES15", "ref. 12-34", "kod 905", "Art. N° 205" - the code right after
  the label, numeric or not (numbers of 3+ digits);
- a **code** mixing letters and digits ("HP-305", "KC-023", "C11"), joined across spaces
  with the short letter groups and numbers around it ("ES 15", "FML 742P UK");
- a **bare number** (3+ digits, no label: "Remington 4455") is only a *weak* key: it counts
  as the model only when the alert's brand is named too (the judge checks that). So are
  two-character codes ("P5", "X6"), which are as often paper sizes or network names.

Never a model: quantities and sizes ("2 szt", "100 ml", "2200W", "1,7 l", "100x200"), years
(1950-2039), decimals, words joined to a number ("4-osobowy"), type-approval numbers
("e2*2007/46*0130*21"), and what a label marks as a model year.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Units after a number make it a quantity: "2200w", "100 ml", "2 szt", "4000 mAh".
_UNIT_WORDS = """
w kw v mv ma mah ah wh kwh gb tb mb kb ml l dl cl g mg kg dag t mm cm dm m km m2 m3 cm3
hz khz mhz ghz cali inch in ft szt pcs pc mp db lm lx rpm cc kmh mph lat lata mies iu
h min s ms sek zl pln eur usd gr oz lb nm psi bar proc el os pak kpl ct kt cd dvd lp ch gen
"""
_UNITS = frozenset(_UNIT_WORDS.split())
# Amperes, zoom, resolutions only as they are written: "16A", "12x", "4K", "1080p" (a "708A"
# or a "742P" is a model).
_QUANTITY = re.compile(r"^(?:\d+(?:[.,]\d+)?(?:" + "|".join(sorted(_UNITS, key=len)[::-1])
                       + r")|\d{1,2}(?:[.,]\d+)?a|\d{1,2}[xk]"
                       r"|(?:360|480|576|720|1080|1440|2160)p)$")
_UNITS_AFTER = _UNITS | {"a", "x", "k"}  # "10 A", "3 x 100 ml", "4 K"
_DIMENSION = re.compile(r"^\d+(?:[.,]\d+)?(?:x\d+(?:[.,]\d+)?)+(?:mm|cm|m)?$")
# Short letter groups that are words or units, never a part of a code ("LED 5", "USB 3").
_LETTER_WORDS = """
na do od ze we po za dla pod nad bez lub oraz the of for and in on to by with
xs xl xxl xxxl eu uk us usa led lcd usb hd fhd uhd dc ac ip rgb diy set nr no szt
pcs cm mm ml kg gb tb mb mah ah kw hz db lm zl pln eur usd pro max mini plus new nowy
"""
_NOT_CODE_LETTERS = frozenset(_LETTER_WORDS.split())
# Single capitals that are words or sizes, not the first letter of a code ("S", "M", "L").
_NOT_CODE_LETTER = frozenset("IOWZSML")
# Mixed tokens that name a thing, not a model: "mp3", "2in1", "h2o".
_NOT_A_MODEL = re.compile(r"^(?:mp[34]|h2o|co2|[234](?:in|w)1|\d+(?:st|nd|rd|th)|b12|k2d3)$")
_YEAR = re.compile(r"^(?:19[5-9]\d|20[0-3]\d)$")
# The labels sellers and Safety Gate put before a model ("Art. N°" has become "art. no").
_LABEL = re.compile(
    r"(?<![a-z0-9])(?=[acikmnprst])(?:"  # the lookahead only spares time on long texts
    r"model(?!\s*year)(?:u|e|s|l)?(?:\s*[.]?\s*(?:no|nr|number|code|series|numer))?"
    r"|numer\s+modelu|nr\s+modelu|mod"
    r"|art(?:ikel|icle|ykul|ykulu)?(?:\s*[.-]?\s*(?:nr|no|num|number|n0))?"
    r"|nr\s*kat(?:alogowy)?|numer\s+katalogowy|kat\s*nr|cat(?:alog(?:ue)?)?\s*no"
    r"|typ(?:u|e|es)?|ref(?:erence|erencja)?|kod(?:\s+produktu)?|(?:product\s+)?code"
    r"|item(?:\s*(?:no|nr|number))?|sku|symbol|part\s*(?:no|nr|number)|p/n"
    r"|product\s*(?:nr|no)|ktypnr|nr|no|n0"
    r")(?![a-z0-9])")
# Between a label and its code: punctuation, spaces and at most one word ("Model: ",
# "art. nr ", "model Lederhandschuh 4831").
_AFTER_LABEL = re.compile(r"^[\s:.#=-]*(?:[a-z]{2,20}[\s:.#=-]+)?$")
# "N°", "Nº", "№" and the export's "N\ufffd" all mean "number".
_NUMERO = re.compile(r"(?<![a-z])n\s?[°º\ufffd]|№", re.IGNORECASE)
_NUMERO_SIGNS = re.compile("[°º\ufffd№]")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
# Inside one code: a hyphen (with a space after it, as in "TG406393- 3080"), dot, slash,
# underscore. Anything else (a space, a comma) separates.
_UNIT = re.compile(r"[A-Za-z0-9]+(?:(?:- ?|[./_])[A-Za-z0-9]+)*")
_DIGIT = re.compile(r"\d")
_WORDLIKE = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*(?<=[A-Za-z]{4})\d")
_STARRED = re.compile(r"[^\s*]*\*\S*")
# How far after a label its model is looked for in a long text.
_LABEL_REACH = 40
_MAX_KEY = 60
# A run: units apart by spaces, at most this many codes or numbers ("1395 F2 0269 2017")
# and this many units in all.
_MAX_ANCHORS = 4
_MAX_RUN = 7
CODE, NUMBER, LETTERS, WORD, NONE, LABEL = "code", "number", "letters", "word", "none", "label"
# A year names no model on its own ("model 2020", "Rok 2019"), but may end one
# ("1395-F2-0269/2017" written with spaces).
YEAR = "year"
_ANCHORS = (CODE, NUMBER)
_RUNS = (CODE, NUMBER, LETTERS, YEAR)


@dataclass(frozen=True, slots=True)
class ModelNumbers:
    """What a text names as models: codes (sure keys) and weak keys (numbers, short codes).

    `parts` are the readings inside a longer one ("es15" and "es15bb" of "ES15 BB TA"): an
    offer is also found by them, an alert is not (it names one model, not its family).
    """

    codes: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    weak_parts: tuple[str, ...] = ()


@dataclass(slots=True)
class _Unit:
    """Tokens joined tightly ("ES15-BB-TA"), with where they sit in the text."""

    start: int
    end: int
    pieces: list[str]
    raw: str  # the pieces together, case kept
    key: str  # the pieces together, lower case
    kind: str = NONE

    @property
    def solo(self) -> bool:
        """A word with digits ("iPhone13", "Brand0001") is a code of its own: it joins no
        letter groups or numbers around it."""
        return self.kind == CODE and bool(_WORDLIKE.match(self.raw))


def _ascii(text: str) -> str:
    """Width and diacritics folded to ASCII, case kept; every way of writing "No" as "no"."""
    if text.isascii():
        return text.replace("#", " no ")
    text = unicodedata.normalize("NFKC", text).replace("#", " no ")
    if _NUMERO_SIGNS.search(text):
        text = _NUMERO.sub(" no ", text)
    text = text.replace("ł", "l").replace("Ł", "L")
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def _units(text: str) -> list[_Unit]:
    units = []
    for match in _UNIT.finditer(text):
        written = match.group()
        if written.isalnum():
            if len(written) >= 4 and written.isalpha() and written.lower() not in _UNITS_AFTER:
                continue  # a word: never part of a model, and most of any text
            pieces = [written]
        else:
            pieces = _TOKEN.findall(written)
        raw = "".join(pieces)
        units.append(_Unit(match.start(), match.end(), pieces, raw, raw.lower()))
    if "*" not in text:
        return units
    # A word with a star in it is a type-approval number ("e2*2007/46*0130*21"): no model.
    starred = [(m.start(), m.end()) for m in _STARRED.finditer(text)]
    return [u for u in units if not any(a <= u.start < b for a, b in starred)]


def _spaced(text: str, left: _Unit, right: _Unit) -> bool:
    return text[left.end:right.start].strip() == ""


def _kind(unit: _Unit, following: _Unit | None, text: str, *, cased: bool) -> str:
    """What a unit is: a code, a number, letters (which may join a code), a word or none.

    Short letter groups join a code when written in capitals ("ES 15 BB"), or in a text
    written all in lower case, where capitals tell nothing; a single capital only before a
    number ("X 87", "B 2758").
    """
    key = unit.key
    if key.isalpha():
        if len(unit.pieces) > 1 or not (unit.raw.isupper() or not cased):
            return WORD
        if 2 <= len(key) <= 3 and key not in _NOT_CODE_LETTERS:
            return LETTERS
        if len(key) == 1 and cased and unit.raw not in _NOT_CODE_LETTER and following \
                and following.key[0].isdigit() and _spaced(text, unit, following):
            return LETTERS
        return WORD
    if _QUANTITY.match(key) or _DIMENSION.match(key):
        return NONE
    if following is not None and following.key in _UNITS_AFTER and len(following.pieces) == 1 \
            and _spaced(text, unit, following) and all(p.isdigit() for p in unit.pieces):
        return NONE  # "100 ml", "2 szt", "5 V"
    if any(p.isalpha() and len(p) >= 4 and not p.isupper() for p in unit.pieces):
        return WORD  # "4-osobowy", "12-miesieczna": a word, not a code
    if key.isdigit():
        written = text[unit.start:unit.end]
        if "." in written and "/" not in written and "-" not in written:
            return NONE  # a decimal ("12.5")
        return YEAR if _YEAR.match(key) else NUMBER
    return NONE if _NOT_A_MODEL.match(key) else CODE


def _classified(ascii_text: str) -> tuple[str, list[_Unit], list[tuple[int, int]]]:
    lowered = ascii_text.lower()
    units = _units(ascii_text)
    cased = lowered != ascii_text
    labels = [m.span() for m in _LABEL.finditer(lowered)]
    for i, unit in enumerate(units):
        following = units[i + 1] if i + 1 < len(units) else None
        unit.kind = _kind(unit, following, ascii_text, cased=cased)
        # A unit inside a label ("no" of "art. no") is the label, not a code.
        if labels and any(a <= unit.start and unit.end <= b for a, b in labels):
            unit.kind = LABEL
    for before, x, after in zip(units, units[1:], units[2:], strict=False):
        if x.key == "x" and before.kind == NONE and after.key.isdigit():
            after.kind = NONE  # "120 x 170": a size, both sides of the "x"
    return lowered, units, labels


def _runs(units: list[_Unit], text: str) -> list[list[_Unit]]:
    """Units apart by spaces only: codes and numbers with the letter groups around them."""
    runs: list[list[_Unit]] = []
    current: list[_Unit] = []
    for unit in units:
        fits = unit.kind in _RUNS and (not current or (
            _spaced(text, current[-1], unit) and not unit.solo and not current[-1].solo)) and (
            len(current) < _MAX_RUN) and (unit.kind not in (*_ANCHORS, YEAR) or sum(
                u.kind in (*_ANCHORS, YEAR) for u in current) < _MAX_ANCHORS)
        if fits:
            current.append(unit)
            continue
        if current:
            runs.append(current)
        current = [unit] if unit.kind in _RUNS else []
    if current:
        runs.append(current)
    return runs


def _reading(run: list[_Unit], *, marked: bool) -> tuple[str, bool] | None:
    """A run's key and whether it is a sure one (a code) or weak (a bare number, two
    characters); None when it names no model."""
    if not any(u.kind in _ANCHORS for u in run):
        return None
    key = "".join(u.key for u in run)[:_MAX_KEY]
    if all(u.kind in (NUMBER, YEAR) for u in run):
        return (key, marked) if len(key) >= 3 else None
    if len(key) >= 3:
        return key, True
    return (key, marked) if len(key) == 2 else None


def read(text: str | None, *, labelled: bool = False, only_labelled: bool = False
         ) -> ModelNumbers:
    """The models a text names.

    `labelled`: the whole text is a model field (Safety Gate's "Type / number of model"),
    so its numbers are models, as if each had a label. `only_labelled`: only what a label
    marks (an offer's description, where codes of accessories and standards abound).
    """
    if not text or not _DIGIT.search(text):
        return ModelNumbers()  # every model has a digit
    if only_labelled:
        text = _near_labels(text)
    ascii_text = _ascii(text)
    lowered, units, labels = _classified(ascii_text)
    out: tuple[list[str], list[str], list[str], list[str]] = ([], [], [], [])
    codes, weak, parts, weak_parts = out
    for run in _runs(units, ascii_text):
        marked = labelled or any(end <= run[0].start and _AFTER_LABEL.match(
            lowered[end:run[0].start]) for _, end in labels)
        if only_labelled and not marked:
            continue
        whole = _reading(run, marked=marked)
        if whole:
            (codes if whole[1] else weak).append(whole[0])
        if len(run) == 1:
            continue
        for a in range(len(run)):
            for b in range(a + 1, len(run) + 1):
                if (a, b) != (0, len(run)) and (part := _reading(run[a:b], marked=marked)):
                    (parts if part[1] else weak_parts).append(part[0])
    return ModelNumbers(*(tuple(dict.fromkeys(keys)) for keys in out))


def _near_labels(text: str) -> str:
    """Only the stretches of a long text that start with a label, apart (a description's
    other codes, of accessories and standards, are no models)."""
    lowered = text.lower()  # labels are ASCII: found before folding the whole text
    patterns = (_LABEL, _NUMERO) if _NUMERO_SIGNS.search(text) else (_LABEL,)
    spans = [(m.start(), m.end() + _LABEL_REACH)
             for pattern in patterns for m in pattern.finditer(lowered)]
    return " , ".join(text[a:b] for a, b in sorted(spans))


def _whole(tokens: list[str]) -> str:
    """An item of a model field written as one code, if it looks like one."""
    key = "".join(tokens)
    if re.search(r"\d", key) and re.search(r"[a-z]", key) and 3 <= len(key) <= 40 \
            and len(tokens) <= 4 and not _QUANTITY.match(key):
        return key
    return ""


def read_model_field(text: str | None) -> ModelNumbers:
    """The models of an alert's model field, item by item ("P-1490, P-1488", "A; B").

    An item's code inside a longer code of the same item is its family, not its model
    ("LP2" of "Narta LP2 Wenge 249/LP2"): left out. The whole of an item is a code too
    ("WMAOD 743G UK" as "wmaod743guk", as a seller may write it without spaces).
    """
    codes: list[str] = []
    weak: list[str] = []
    for item in re.split(r"[,;\n]|\s/\s", text or ""):
        if "*" in item or re.search(r"approval|model\s*year|vin\b", item, re.IGNORECASE):
            continue
        found = read(item, labelled=True)
        codes.extend(c for c in found.codes
                     if not any(c != other and c in other for other in found.codes))
        weak.extend(found.weak)
        tokens = _TOKEN.findall(_LABEL.sub(" ", _ascii(item).lower()))
        while len(tokens) > 1 and tokens[-1] in _NOT_CODE_LETTERS:  # "UK" of "743G UK"
            codes.append(_whole(tokens))
            tokens = tokens[:-1]
        codes.append(_whole(tokens))
    codes = [c for c in codes if c]
    return ModelNumbers(tuple(dict.fromkeys(codes)), tuple(dict.fromkeys(weak)))
