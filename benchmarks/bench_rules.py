"""Rule engine alone: throughput on generated offers, and false positives on real listings.

    .venv/bin/python benchmarks/bench_rules.py [--n 10000] [--batch 500] [--repeat 5]
    .venv/bin/python benchmarks/bench_rules.py --benign PATH
        (e.g. /work/shared/data/benign-listings/flipkart_titles_a.csv)

Speed: 10,000 seeded Polish-ish offers (title + ~600-character description), screened with
`evaluate_many` in batches on one core. Prints offers/s and p50/p99 per offer (a batch's time
divided by its size), for the first pass (cold caches) and the median of the warm repeats,
plus the p50/p99 of single `evaluate` calls. Target: >= 10,000 offers/s.

False positives: every title of a CSV of real, lawful listings (columns product_name, brand,
retail_price in INR, converted to PLN) is screened; prints the hit rate per rule, the share
of offers sent to review or blocked, and a few hits per rule to read. Aim: < 1% review, 0 block.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules.engine import RuleSet
from rules.loader import load_ruleset
from rules.types import OfferText, Outcome

INR_TO_PLN = 0.047  # fixed rate: the price rules only need the order of magnitude

PRODUCTS = [
    ("Buty do biegania", "Obuwie > Sportowe", ["Nike", "Adidas", "Asics", "New Balance"]),
    ("Kurtka zimowa", "Odzież > Męska", ["The North Face", "Columbia", "4F", "Reserved"]),
    ("Smartfon", "Telefony", ["Samsung", "Xiaomi", "Apple", "Motorola"]),
    ("Słuchawki bezprzewodowe", "RTV > Słuchawki", ["Sony", "JBL", "Apple", "Bose"]),
    ("Torebka skórzana", "Moda > Torebki", ["Wittchen", "Puccini", "Michael Kors", "Guess"]),
    ("Zegarek męski", "Zegarki", ["Casio", "Timex", "Seiko", "Tissot"]),
    ("Klocki konstrukcyjne", "Zabawki", ["LEGO", "Cobi", "Mega Bloks"]),
    ("Ekspres do kawy", "AGD", ["DeLonghi", "Philips", "Krups", "Siemens"]),
    ("Wiertarka udarowa", "Narzędzia", ["Makita", "Bosch", "DeWalt", "Stanley"]),
    ("Perfumy damskie", "Uroda > Perfumy", ["Chanel", "Dior", "Lancôme", "Hugo Boss"]),
    ("Sukienka letnia", "Moda > Sukienki", ["Mohito", "Zara", "H&M", "Orsay"]),
    ("Rower miejski", "Sport > Rowery", ["Kross", "Romet", "Unibike"]),
]
ADJECTIVES = ["nowy", "nowa", "oryginalny", "okazja", "gwarancja 24 mies.", "faktura VAT",
              "wysyłka 24h", "kolor czarny", "rozmiar M", "stan idealny", "promocja",
              "zestaw", "najnowszy model", "polska dystrybucja"]
SENTENCES = [
    "Produkt fabrycznie nowy, zapakowany w oryginalne opakowanie producenta.",
    "Wysyłamy w ciągu 24 godzin od zaksięgowania wpłaty, kurierem lub do paczkomatu.",
    "Do każdego zamówienia wystawiamy fakturę VAT, zwrot możliwy w ciągu 30 dni.",
    "Gwarancja producenta obowiązuje na terenie całej Polski, serwis door-to-door.",
    "Zdjęcia przedstawiają sprzedawany egzemplarz, w razie pytań prosimy o wiadomość.",
    "Materiał wysokiej jakości, wygodny w codziennym użytkowaniu, łatwy w czyszczeniu.",
    "Zestaw zawiera instrukcję obsługi w języku polskim oraz kartę gwarancyjną.",
    "Odbiór osobisty możliwy w Warszawie po wcześniejszym umówieniu się.",
    "Sprzedajemy wyłącznie towar z legalnej dystrybucji, posiadamy certyfikaty.",
    "Rozmiary zgodne z tabelą producenta, w razie wątpliwości chętnie doradzimy.",
    "Kolor na zdjęciach może się nieznacznie różnić w zależności od ustawień monitora.",
    "Oferujemy darmową dostawę przy zamówieniach powyżej 200 zł, także za granicę.",
    "Nasz sklep działa od 2009 roku i ma ponad 15 tysięcy pozytywnych opinii klientów.",
    "Przed pierwszym użyciem zapoznaj się z instrukcją i zachowaj paragon lub fakturę.",
]
BAD_MARKERS = ["replika 1:1", "podróbka", "jak oryginał", "jakość AAA", "fake", "kopia",
               "r.e.p.l.i.k.a", "p0dróbka", "a la Gucci", "bez recepty Ozempic"]


def generate(n: int, seed: int = 42, bad_share: float = 0.05) -> list[OfferText]:
    """n seeded offers: Polish titles, ~600-character descriptions, a few bad ones."""
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        product, category, brands = rnd.choice(PRODUCTS)
        brand = rnd.choice(brands)
        words = [product, brand, f"model {rnd.randint(100, 9999)}", *rnd.sample(ADJECTIVES, 2)]
        if rnd.random() < bad_share:
            words.append(rnd.choice(BAD_MARKERS))
        description = " ".join(rnd.sample(SENTENCES, 8))
        while len(description) < 600:
            description += " " + rnd.choice(SENTENCES)
        out.append(OfferText(
            title=" ".join(words), description=description[:700], category=category,
            brand=brand if rnd.random() < 0.8 else None, price=round(rnd.uniform(20, 3000), 2),
            currency="PLN", seller_account_age_days=rnd.choice([2, 40, 400, 2000]),
            seller_activated=rnd.random() > 0.02, seller_strikes=rnd.choice([0, 0, 0, 1, 2]),
        ))
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_batches(ruleset: RuleSet, items: list[OfferText],
                batch: int) -> tuple[float, list[float]]:
    """One pass with evaluate_many: offers/s and per-offer seconds (batch time / size)."""
    per_offer: list[float] = []
    start = time.perf_counter()
    for i in range(0, len(items), batch):
        chunk = items[i:i + batch]
        t0 = time.perf_counter()
        ruleset.evaluate_many(chunk)
        per_offer.extend([(time.perf_counter() - t0) / len(chunk)] * len(chunk))
    return len(items) / (time.perf_counter() - start), per_offer


def speed(args: argparse.Namespace) -> None:
    ruleset = load_ruleset()
    items = generate(args.n, seed=args.seed)
    mean_description = statistics.mean(len(o.description) for o in items)
    print(f"{ruleset}: {len(ruleset.rules)} rules, {ruleset.phrase_keys} automaton keys; "
          f"{len(items)} offers, mean description {mean_description:.0f} chars")
    cold_rate, cold = run_batches(ruleset, items, args.batch)
    print(f"cold  {cold_rate:>9,.0f} offers/s   p50 {_pct(cold, .5) * 1e6:6.1f} us   "
          f"p99 {_pct(cold, .99) * 1e6:6.1f} us   (first pass, empty caches)")
    rates, p50s, p99s = [], [], []
    for _ in range(args.repeat):
        rate, per = run_batches(ruleset, items, args.batch)
        rates.append(rate)
        p50s.append(_pct(per, .5))
        p99s.append(_pct(per, .99))
    print(f"warm  {statistics.median(rates):>9,.0f} offers/s   "
          f"p50 {statistics.median(p50s) * 1e6:6.1f} us   "
          f"p99 {statistics.median(p99s) * 1e6:6.1f} us"
          f"   (median of {args.repeat}, batches of {args.batch})")
    singles = []
    for offer in items:
        t0 = time.perf_counter()
        ruleset.evaluate(offer)
        singles.append(time.perf_counter() - t0)
    print(f"single evaluate: p50 {_pct(singles, .5) * 1e6:.1f} us   "
          f"p99 {_pct(singles, .99) * 1e6:.1f} us   max {max(singles) * 1e6:.0f} us")
    flagged = sum(1 for hits in ruleset.evaluate_many(items) if hits)
    print(f"offers with at least one hit: {flagged} ({flagged / len(items):.1%}; "
          f"~5% carry a bad marker by construction)")


def read_benign(path: Path) -> list[OfferText]:
    """Titles, brands and prices (INR -> PLN) of a CSV of real listings."""
    out = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            try:
                price: float | None = float(row.get("retail_price") or "") * INR_TO_PLN
            except ValueError:
                price = None
            out.append(OfferText(title=row["product_name"], brand=row.get("brand") or None,
                                 price=price, currency="PLN" if price is not None else None))
    return out


def benign(args: argparse.Namespace) -> None:
    ruleset = load_ruleset()
    items = read_benign(Path(args.benign))
    per_rule: Counter[str] = Counter()
    samples: dict[str, list[str]] = defaultdict(list)
    review = block = 0
    for offer, hits in zip(items, ruleset.evaluate_many(items), strict=True):
        outcomes = {h.outcome for h in hits}
        block += Outcome.BLOCK in outcomes
        review += Outcome.REVIEW in outcomes and Outcome.BLOCK not in outcomes
        for h in hits:
            per_rule[h.rule_id] += 1
            if len(samples[h.rule_id]) < args.show:
                samples[h.rule_id].append(f"{offer.title[:70]!r} [{offer.brand}] {h.detail}")
    n = len(items)
    print(f"{ruleset}: {n} benign listings from {args.benign}")
    print(f"sent to review: {review} ({review / n:.2%})   blocked: {block} ({block / n:.2%})")
    for rule in ruleset.rules:
        if per_rule[rule.id]:
            print(f"  {rule.id:<52} {rule.outcome.value:<6} {per_rule[rule.id]:>5} "
                  f"({per_rule[rule.id] / n:.2%})")
            for s in samples[rule.id]:
                print(f"      {s}")
    quiet = sum(1 for r in ruleset.rules if not per_rule[r.id])
    print(f"  {quiet} rules with no hit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--benign", help="CSV of lawful listings: measure false positives")
    parser.add_argument("--show", type=int, default=3, help="hits to print per rule")
    args = parser.parse_args()
    if args.benign:
        benign(args)
    else:
        speed(args)


if __name__ == "__main__":
    main()
