"""How well the counterfeit rules see through the ways sellers disguise marker words.

    .venv/bin/python benchmarks/obfuscation.py [--templates 40] [--seed 7] [--show 5]

Every counterfeit marker (rules/data/counterfeit_markers.txt and counterfeit_weak_markers.txt)
is put into many branded title templates, plain and disguised with one technique at a time:
Cyrillic/Greek look-alikes, leetspeak, dots between letters, spaces between letters (two
spaces between words), zero-width characters, full-width letters, missing Polish diacritics,
letters repeated 3-5 times; plus, for information, a combination of two. An offer is caught
when any counterfeit rule sends it to review or blocks it. Prints the plain catch rate, the
catch rate per technique and overall, and their ratio to the plain rate (target >= 0.95).
Deterministic: the same seed gives the same variants.

Known gap, by design of the normaliser: a doubled letter ("repplika") is kept, because
doubled letters are spelling ("channel" is not "Chanel").
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

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

CYRILLIC = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і",
            "k": "к", "m": "м", "h": "һ", "s": "ѕ", "j": "ј", "d": "ԁ", "A": "А", "B": "В",
            "E": "Е", "K": "К", "M": "М", "H": "Н", "O": "О", "P": "Р", "C": "С", "T": "Т",
            "X": "Х", "Y": "У"}
GREEK = {"o": "ο", "i": "ι", "k": "κ", "v": "ν", "A": "Α", "B": "Β", "E": "Ε", "I": "Ι",
         "K": "Κ", "N": "Ν", "O": "Ο", "P": "Ρ", "T": "Τ", "X": "Χ", "Z": "Ζ"}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7", "l": "1"}
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]
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


def lookalikes(marker: str, rnd: random.Random) -> str:
    table = CYRILLIC if rnd.random() < 0.7 else {**CYRILLIC, **GREEK}
    spots = [i for i, ch in enumerate(marker) if ch in table]
    if not spots:
        return marker
    chosen = {i for i in spots if rnd.random() < 0.6} or {rnd.choice(spots)}
    return "".join(table[ch] if i in chosen else ch for i, ch in enumerate(marker))


def leet(marker: str, rnd: random.Random) -> str:
    chars = list(marker)
    start = 0
    for word in marker.split(" "):
        spots = [start + i for i, ch in enumerate(word.lower()) if ch in LEET]
        # At most two, never side by side: "r3pl1ka", not "r33..." nobody can read.
        rnd.shuffle(spots)
        taken: list[int] = []
        for pos in spots:
            if len(taken) == (1 if len(word) <= 4 else 2):
                break
            if all(abs(pos - t) > 1 for t in taken):
                taken.append(pos)
        for pos in taken:
            chars[pos] = LEET[chars[pos].lower()]
        start += len(word) + 1
    return "".join(chars)


def _spread(word: str, sep: str) -> str:
    # Only words: nobody writes "1.:.1", and "1:1" has no letters to hide; a hyphenated word
    # is spread part by part ("k.n.o.c.k-o.f.f").
    if "-" in word:
        return "-".join(_spread(part, sep) for part in word.split("-"))
    return sep.join(word) if sum(ch.isalpha() for ch in word) >= 2 else word


def dotted(marker: str, rnd: random.Random) -> str:
    sep = rnd.choice([".", "-", "*", "_"])
    return " ".join(_spread(word, sep) for word in marker.split(" "))


def spaced(marker: str, rnd: random.Random) -> str:
    return "  ".join(_spread(word, " ") for word in marker.replace("-", " ").split(" "))


def zero_width(marker: str, rnd: random.Random) -> str:
    chars = list(marker)
    for _ in range(rnd.randint(1, 3)):
        chars.insert(rnd.randint(1, max(1, len(chars) - 1)), rnd.choice(ZERO_WIDTH))
    return "".join(chars)


def full_width(marker: str, rnd: random.Random) -> str:
    return "".join("\u3000" if ch == " " else chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch
                   for ch in marker)


def no_diacritics(marker: str, rnd: random.Random) -> str:
    stripped = unicodedata.normalize("NFKD", marker.replace("ł", "l").replace("Ł", "L"))
    return "".join(ch for ch in stripped if not unicodedata.combining(ch))


def repeated(marker: str, rnd: random.Random) -> str:
    spots = [i for i, ch in enumerate(marker) if ch.isalpha()]
    if not spots:
        return marker
    pos = rnd.choice(spots)
    return marker[:pos] + marker[pos] * rnd.randint(3, 5) + marker[pos + 1:]


TECHNIQUES: dict[str, Technique] = {
    "look-alike letters": lookalikes,
    "leetspeak": leet,
    "dots between letters": dotted,
    "spaces between letters": spaced,
    "zero-width characters": zero_width,
    "full-width letters": full_width,
    "missing diacritics": no_diacritics,
    "repeated letters": repeated,
}


def combined(marker: str, rnd: random.Random) -> str:
    first, second = rnd.sample(["look-alike letters", "leetspeak", "zero-width characters",
                                "missing diacritics", "repeated letters"], 2)
    return TECHNIQUES[second](TECHNIQUES[first](marker, rnd), rnd)


def caught(ruleset: RuleSet, titles: list[str]) -> list[bool]:
    """Whether a counterfeit rule reviews or blocks each title."""
    offers = [OfferText(title=t) for t in titles]
    return [any(h.rule_id.startswith("counterfeit.") and h.outcome is not Outcome.ALLOW
                for h in hits) for hits in ruleset.evaluate_many(offers)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--templates", type=int, default=len(TEMPLATES),
                        help="title templates per marker (each with a seeded brand)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=5, help="misses to print per technique")
    args = parser.parse_args()
    ruleset = load_ruleset()
    rnd = random.Random(args.seed)
    cases = [(m, t, rnd.choice(BRANDS)) for m in markers()
             for t in TEMPLATES[:args.templates]]
    plain = caught(ruleset, [t.format(brand=b, marker=m) for m, t, b in cases])
    plain_rate = sum(plain) / len(plain)
    print(f"{ruleset}: {len(markers())} markers x {min(args.templates, len(TEMPLATES))} "
          f"templates = {len(cases)} titles per technique")
    print(f"{'plain':<26} caught {plain_rate:7.2%}")
    rates: dict[str, float] = {}
    for name, technique in [*TECHNIQUES.items(), ("combined (two techniques)", combined)]:
        trnd = random.Random(f"{args.seed}:{name}")
        titles = [t.format(brand=b, marker=technique(m, trnd)) for m, t, b in cases]
        got = caught(ruleset, titles)
        rates[name] = sum(got) / len(got)
        print(f"{name:<26} caught {rates[name]:7.2%}   ratio to plain "
              f"{rates[name] / plain_rate:6.3f}")
        # Misses whose plain form is caught: what the normaliser failed to undo.
        misses = [title for g, p, title in zip(got, plain, titles, strict=True) if p and not g]
        for title in misses[:args.show]:
            print(f"    missed: {title!r}")
    overall = sum(rates[n] for n in TECHNIQUES) / len(TECHNIQUES)
    worst = min(TECHNIQUES, key=lambda n: rates[n])
    print(f"{'overall (8 techniques)':<26} caught {overall:7.2%}   ratio to plain "
          f"{overall / plain_rate:6.3f}   worst: {worst} {rates[worst] / plain_rate:.3f} "
          f"(target >= 0.95)")

if __name__ == "__main__":
    main()
