"""Patterns of real lawful shops that used to reach review or block (the shops' own text is not
in the repository: these offers are written in our own words, one per pattern)."""

from __future__ import annotations

import pytest

from rules.loader import load_ruleset
from rules.types import OfferText, Outcome

LAWFUL = [
    # A screen resolution is no hate code.
    OfferText(title="Tablet 8,3 cala 256 GB Wi-Fi, różowy",
              description="Procesor: 6 rdzeni, Rozdzielczość: 2266 × 1488, Pamięć: 256 GB"),
    # Ordinary words one letter from a brand: a yoghurt, paprika flakes, a weekday, a film.
    OfferText(title="Müller Riso ryż na mleku o smaku waniliowym 200 g", price=2.49,
              currency="PLN"),
    OfferText(title="Papryka wędzona, płatek, 80 g", price=7.9, currency="PLN"),
    OfferText(title="W piątek wieczorem. Opowiadania, tom 3", brand="Wydawnictwo Znak",
              price=29.0, currency="PLN"),
    OfferText(title="Prawda czy fałsz (DVD)", brand="Kino Świat", price=12.99, currency="PLN"),
    OfferText(title="Przypon fluorocarbonowy Salmon 0,30 mm", price=45.0, currency="PLN"),
    OfferText(title="Mysz bezprzewodowa Model D (Matte Black)", brand="Glorious"),
    OfferText(title="Mysz G PRO X bezprzewodowa, biała", brand="Logitech"),
    # The microgram sign is no UGG; a lamp's code is no brand.
    OfferText(title="Witamina K2 MK-7 100 µg, 60 kapsułek", brand="Biofarm", price=32.0,
              currency="PLN"),
    OfferText(title="Kinkiet łazienkowy - chrom - UG-WB-3", brand="Endon", price=190.0,
              currency="PLN"),
    # Films and books name brands as their content.
    OfferText(title="Klocki w akcji (Blu-ray)", brand="Galapagos",
              category="Filmy > Blu-ray > Animowany"),
    OfferText(title="Lalka Barbie i przyjaciele - film", brand="Filmostrada",
              category="Filmy > DVD > Familijny"),
    # A glass bauble shaped like a vintage car, and a publisher called "Replika".
    OfferText(title="Zielony kabriolet z lat 30., szklana bombka",
              description="Bombka w kształcie zabytkowego auta. Replika wykonana ręcznie."),
    OfferText(title="Wspomnienia znad Donu",
              description="Autor: J. Kowalski; Wydawnictwo: Replika; Rok wydania: 2016"),
    # A thermometer's liquid-crystal display and a children's product in a pharmacy; an
    # ointment leaflet that warns of cigarette smoke.
    OfferText(title="Termometr bezdotykowy na podczerwień",
              description="Czytelny wyświetlacz LCD (Liquid Crystal Display). Idealny dla dzieci."),
    OfferText(title="Maść ochronna do nosa dla dzieci, 15 g",
              description="Chroni przed suchym powietrzem i dymem papierosów."),
    OfferText(title="Tabletki musujące z magnezem dla dzieci",
              description="Nie stosować dłużej niż 2 tygodnie bez konsultacji z lekarzem. "
                          "Nie łączyć z antybiotykami."),
    OfferText(title="Guma nikotynowa 2 mg, 30 sztuk",
              description="Pomaga rzucić palenie papierosów. Nie dla dzieci."),
    OfferText(title="Wstrzykiwacz do insuliny, wielorazowy, niebieski"),
]


@pytest.mark.parametrize("offer", LAWFUL, ids=[o.title[:40] for o in LAWFUL])
def test_lawful_pattern_is_neither_reviewed_nor_blocked(offer: OfferText) -> None:
    hits = [h for h in load_ruleset().evaluate(offer) if h.outcome is not Outcome.ALLOW]
    assert hits == [], [(h.rule_id, h.detail, [s.text for s in h.spans]) for h in hits]


STILL_CAUGHT = [
    (OfferText(title="Naszywka 1488 czarna"), "prohibited.totalitarian_propaganda"),
    (OfferText(title="Torebka Prada replika 1:1"), "counterfeit.marker_with_brand"),
    (OfferText(title="Zegarek Rolex Submariner", brand="Zegarki Kowalski"),
     "brand_abuse.title_brand_mismatch"),
    (OfferText(title="Buty Nike fake"), "counterfeit.marker_with_brand"),
    (OfferText(title="E-papierosy dla nastolatków"), "prohibited.nicotine_for_minors"),
    (OfferText(title="Xanax 2 mg bez recepty"), "prohibited.prescription_without_prescription"),
]


@pytest.mark.parametrize(("offer", "rule_id"), STILL_CAUGHT,
                         ids=[r for _, r in STILL_CAUGHT])
def test_the_fixes_leave_the_infringing_offer_caught(offer: OfferText, rule_id: str) -> None:
    assert rule_id in {h.rule_id for h in load_ruleset().evaluate(offer)}
