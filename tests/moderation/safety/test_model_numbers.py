"""Model numbers as sellers and Safety Gate write them: one key per model, never a quantity."""

from __future__ import annotations

import pytest

from moderation.safety.model_numbers import read, read_model_field

# (what a seller writes, the sure model keys it names)
LABELLED = [
    ("Suszarka Remington model 4455", {"4455"}),
    ("Suszarka Remington mod. 4455", {"4455"}),
    ("Suszarka Remington MODEL: 4455", {"4455"}),
    ("Zabawka art. 905", {"905"}),
    ("Zabawka art.nr 905", {"905"}),
    ("Zabawka Art. Nr. 905", {"905"}),
    ("Naszyjnik Art. N° 205", {"205"}),
    ("Naszyjnik Art. Nº 205", {"205"}),
    ("Lalka N\ufffd 097", {"097"}),  # the Safety Gate export's broken "N°"
    ("Lalka N0 969", {"969"}),
    ("Lampa nr kat. 123", {"123"}),
    ("Lampa numer katalogowy 123", {"123"}),
    ("Hulajnoga typ ES15", {"es15"}),
    ("Scooter type ES15", {"es15"}),
    ("Kabel ref. 12-34", {"1234"}),
    ("Klocki kod 905", {"905"}),
    ("Hulajnoga model: ES-15-BB", {"es15bb"}),
    ("Hulajnoga #4455", {"4455"}),
    ("Rękawice model Lederhandschuh 4831", {"4831"}),  # one word between label and model
    ("Zestaw Art.-Nr. 21462-001", {"21462001"}),
    ("Farby art. nr H6781", {"h6781"}),
]
# Codes of letters and digits, written with hyphens, spaces, dots or nothing.
CODES = [
    ("Hulajnoga ES15-BB-TA 350 W", {"es15bbta"}),
    ("Hulajnoga ES15BBTA", {"es15bbta"}),
    ("Hulajnoga ES15 BB TA", {"es15bbta"}),
    ("hulajnoga es15 bb ta", {"es15bbta"}),
    ("Hulajnoga ES 15", {"es15"}),
    ("Drukarka HP-305", {"hp305"}),
    ("Tusz HP 305", {"hp305"}),
    ("Czajnik Philips HD9350/90 2200W 1,7 l", {"hd935090"}),
    ("Ładowarka hoco. C11", {"c11"}),
    ("Samochód Renault X 87", {"x87"}),
    ("Piłka TG406393- 3080", {"tg4063933080"}),
    ("Piłka TG406393 3080", {"tg4063933080"}),
    ("Fajerwerki 1395-F2-0269/2017", {"1395f202692017"}),
    ("Fajerwerki 1395 F2 0269 2017", {"1395f202692017"}),
    ("Smartfon iPhone13 128GB", {"iphone13"}),
]
# Bare numbers and two-character codes: weak keys, a model only next to the alert's brand.
WEAK = [
    ("Suszarka Remington 4455", {"4455"}),
    ("Klocki Lego 42115", {"42115"}),
    ("Hoverboard ENet P5", {"p5"}),
    ("Autobus Evobus 628 02", {"62802"}),
]
# Nothing here is a model.
NOT_MODELS = [
    "Zestaw 2 szt", "Krem 100 ml", "Mleko 1,5 l", "Kabel 2 m", "Bateria 4000 mAh",
    "Rower 26 cali", "Suszarka 2200W", "Suszarka 2200 W", "Pościel 160x200 cm",
    "Namiot 4-osobowy", "Kurtka XL 42", "Rok produkcji 2019", "Kross Hexagon model 2020",
    "Lampka nocna dla dzieci 5 V 3 W", "Zabawka 4K 500ml 12x", "Cena 12.50 zł",
    "Odtwarzacz MP3", "Zestaw 2in1", "Buty Nike Air Max 90", "USB 3.0 kabel",
    "Pampers 4 MAXI 9-14 kg", "Homologacja e2*2007/46*0130*21", "Pieluchy rozmiar 4",
    "Witamina C 1000 mg", "Zestaw 3 x 100 ml", "Monitor 27 cali 144 Hz", "Dywan 120 x 170",
]


@pytest.mark.parametrize(("text", "codes"), LABELLED + CODES)
def test_labelled_models_and_codes_are_sure_keys(text: str, codes: set[str]) -> None:
    found = read(text)
    assert codes <= set(found.codes), found


@pytest.mark.parametrize(("text", "weak"), WEAK)
def test_bare_numbers_are_weak_keys_not_models(text: str, weak: set[str]) -> None:
    found = read(text)
    assert weak <= set(found.weak) and not set(found.codes) & weak, found


@pytest.mark.parametrize("text", NOT_MODELS)
def test_quantities_sizes_and_years_name_no_model(text: str) -> None:
    found = read(text)
    assert not (found.codes or found.weak or found.parts or found.weak_parts), found


@pytest.mark.parametrize(("field", "offer"), [
    ("ES15-BB-TA", "Hulajnoga ES15 BB TA"),
    ("ES15-BB-TA", "Hulajnoga model: ES-15-BB-TA"),
    ("ES 15", "Hulajnoga typ ES15"),
    ("4455", "Suszarka model 4455"),
    ("Art. N\ufffd 3444101", "Bransoletka art. 3444101"),
    ("N\ufffd.: 257203, SKU 25720301", "Pozytywka nr kat. 257203"),
    ("Lederhandschuh 4831", "Rękawice mod. 4831"),
    ("Type-approval number: e2*2007/46*0130*21, Model: 633 05", "Autobus model 633 05"),
    ("TG406393- 3080", "Piłka TG406393 3080"),
    ("WMAOD 743G UK", "Pralka WMAOD743G UK"),
    ("Bunny: P-1490, Cow: P-1488", "Maskotka P1488"),
    ("KC-023", "Henna KC 023"),
    ("KC-023", "henna rasm e kc 023"),  # all in lower case: short letter groups still join
])
def test_an_alert_field_and_an_offer_give_the_same_key(field: str, offer: str) -> None:
    alert = set(read_model_field(field).codes)
    found = read(offer)
    assert alert & {*found.codes, *found.parts}, (alert, found)


@pytest.mark.parametrize(("field", "codes", "not_codes"), [
    ("Type-approval number: e2*2007/46*0130*21", set(), {"e2", "200746"}),
    ("Model code: ASV70, GSV70; Model year: 2019", {"asv70", "gsv70"}, {"2019"}),
    ("750 ml", set(), {"750", "750ml"}),
    ("625022", {"625022"}, set()),
    ("Narta LP2 Wenge 249/LP2", {"249lp2"}, {"lp2"}),  # LP2 names the family of lamps
    ("Mermaid N0. K970; HLX029047 on the label.", {"k970", "hlx029047"}, {"n0"}),
])
def test_an_alert_model_field_is_read_item_by_item(field: str, codes: set[str],
                                                   not_codes: set[str]) -> None:
    found = set(read_model_field(field).codes)
    assert codes <= found and not found & not_codes, found


def test_a_description_names_a_model_only_after_a_label() -> None:
    text = ("Zestaw zawiera ładowarkę QC3 i kabel USB-C. Stan: nowy. Model: ES-15-BB-TA. "
            "Norma EN71 spełniona.")
    found = read(text, only_labelled=True)
    assert found.codes == ("es15bbta",) and not found.weak
