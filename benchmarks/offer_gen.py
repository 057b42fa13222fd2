"""Seeded synthetic offers for benchmarks: Polish titles, ~600-character descriptions."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

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
]
ADJECTIVES = ["nowy", "nowa", "oryginalny", "okazja", "gwarancja 24 mies.", "faktura VAT",
              "wysyłka 24h", "kolor czarny", "rozmiar M", "stan idealny"]
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
]
BAD_MARKERS = ["replika 1:1", "podróbka", "jak oryginał", "jakość AAA", "fake", "kopia"]


def offers(n: int, *, seed: int = 42, bad_share: float = 0.05) -> Iterator[dict[str, Any]]:
    """Yield n offer events (the intake's JSON shape)."""
    rnd = random.Random(seed)
    for i in range(n):
        product, category, brands = rnd.choice(PRODUCTS)
        brand = rnd.choice(brands)
        words = [product, brand, f"model {rnd.randint(100, 9999)}", *rnd.sample(ADJECTIVES, 2)]
        if rnd.random() < bad_share:
            words.append(rnd.choice(BAD_MARKERS))
        description = " ".join(rnd.sample(SENTENCES, 8))
        while len(description) < 600:
            description += " " + rnd.choice(SENTENCES)
        yield {
            "marketplace_id": f"bench-{seed}-{i}",
            "version": 1,
            "seller": {"id": f"bench-seller-{rnd.randint(1, 2000)}",
                       "account_created_at": "2021-03-01T00:00:00+00:00"},
            "title": " ".join(words)[:300],
            "description": description[:700],
            "category": category,
            "brand": brand,
            "price": f"{rnd.uniform(20, 3000):.2f}",
            "currency": "PLN",
            "gtins": [],
        }
