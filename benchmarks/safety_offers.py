"""Offers as sellers would write them for Safety Gate alerts, and lawful listings to mix in.

The safety-matching evaluation (benchmarks/eval_safety_matching.py) builds its offers here.
What a seller copies from the product is the alert's model as printed, so this module reads
the "Type / number of model" field with its own small rules, independent of the production
key extraction it evaluates: the first item of the field, its label ("Art. N°", "Model:",
"Ref:") and remarks in brackets taken off. An alert is used when it names a brand and that
item holds a model number or code (a number of 3+ digits, or letters and digits together);
type-approval numbers, shades ("1 Grey") and quantities ("750 ml") are not models.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from moderation.safety.alerts import AlertIn

# Polish nouns a seller would use, by a word of the alert's English product type; the first
# that fits wins. An alert whose type has none keeps its English words (sellers do that too).
POLISH_NOUNS = (
    ("hoverboard", "Deskorolka elektryczna hoverboard"), ("power supply", "Zasilacz"),
    ("charger", "Ładowarka USB"), ("adapter", "Zasilacz sieciowy"), ("doll", "Lalka"),
    ("soft toy", "Maskotka pluszowa"), ("soft-filled", "Maskotka"), ("plush", "Maskotka"),
    ("musical toy", "Zabawka muzyczna"), ("slime", "Slime masa plastyczna"),
    ("rattle", "Grzechotka"), ("ball", "Piłka"), ("gun", "Pistolet zabawkowy"),
    ("toy car", "Zestaw autek"), ("instrument", "Instrumenty dla dzieci"),
    ("expandable", "Rosnące jajko zabawka"), ("toy", "Zabawka"), ("floor lamp", "Lampa podłogowa"),
    ("table lamp", "Lampka biurkowa"), ("oil lamp", "Lampa naftowa"), ("lamp", "Lampa"),
    ("tattoo", "Tusz do tatuażu"), ("henna", "Henna"), ("hair dye", "Farba do włosów"),
    ("hair-dye", "Farba do włosów"), ("sunscreen", "Krem z filtrem dla dzieci"),
    ("fireworks", "Fajerwerki wyrzutnia"), ("motorcycle", "Motocykl"),
    ("motocross", "Motocykl crossowy"), ("bus", "Autobus"), ("lorry", "Ciężarówka"),
    ("tractor", "Ciągnik rolniczy"), ("passenger", "Samochód osobowy"),
    ("vehicle part", "Przegub osiowy"), ("bicycle carrier", "Bagażnik rowerowy"),
    ("bicycle seat", "Fotelik rowerowy"), ("kettle", "Czajnik elektryczny"),
    ("hairdryer", "Suszarka do włosów"), ("shaver", "Golarka damska"),
    ("massager", "Masażer elektryczny"), ("steamer", "Parownica do ubrań"),
    ("saw", "Piła ukośnica"), ("washing machine", "Pralka"), ("candle", "Świeca zapachowa"),
    ("gloves", "Rękawice"), ("sweatshirt", "Bluza dziecięca"), ("shirt", "Koszulka dziecięca"),
    ("blouse", "Bluzka dziecięca"), ("bodysuit", "Body niemowlęce"),
    ("clothing set", "Komplet ubranek dziecięcych"), ("ring", "Pierścionek"),
    ("necklace", "Naszyjnik"), ("bracelet", "Bransoletka"), ("earrings", "Kolczyki"),
    ("laser pointer", "Wskaźnik laserowy"), ("socket", "Gniazdko z termostatem"),
    ("clay", "Masa plastyczna"), ("paint", "Farby do malowania palcami"),
    ("magnet", "Magnes na lodówkę"), ("spiralizer", "Spiralizer do warzyw"),
    ("wax", "Podgrzewacz do wosku"), ("calendar", "Kalendarz adwentowy"),
    ("soother", "Zawieszka do smoczka"), ("coating", "Preparat antykorozyjny"),
    ("brake disc", "Tarcza hamulcowa"), ("skin", "Krem rozjaśniający"),
)
# The labels Safety Gate puts before a model (and "Bunny:" naming a variant): taken off.
_LABEL = re.compile(
    r"^(?:(?:(?:model(?:\s+(?:series|code|no\.?|number))?s?|typ\W?s|types?|ktypnr|"
    r"art(?:icle)?\.?(?:\s*n[ro0\ufffd°º]?\.?)?|ref\.?|item|product\s+nr\.?|code|sku|"
    r"n[ro0\ufffd°º]?\.?)(?:\s*[:.]\s*|\s+)|[a-z]+\s*:\s*|\?\s*))+", re.IGNORECASE)
_BRACKETS = re.compile(r"\s*\([^)]*\)")
_ITEMS = re.compile(r"[,;\n]|\s/\s|\s+and\s+|\s+&\s+")
_QUANTITY = re.compile(
    r"(?<![0-9A-Za-z])\d+(?:[.,]\d+)?\s*(?:ml|l|g|kg|cm|mm|cc|w|v)(?![0-9A-Za-z])", re.IGNORECASE)
# A model number (3+ digits) or code (letters and digits together) somewhere in the item.
_MODEL_TOKEN = re.compile(r"(?<![0-9A-Za-z])(?:\d{3,}|(?=[0-9A-Za-z]*\d)(?=[0-9A-Za-z]*[A-Za-z])"
                          r"[0-9A-Za-z]{2,})(?![0-9A-Za-z])")
_BRAND_PARTS = re.compile(r"\s*(?:,|/|\(|\s-\s)\s*")

# How sellers write brand B and model M after the product noun P (N: the alert's name).
TEMPLATES: dict[str, str] = {
    "bare": "{P} {B} {M}",
    "name_first": "{B} {N} {M} {p}",
    "model": "{P} {B} model {M}",
    "model_colon": "{P} {B}, model: {M}, nowy",
    "mod": "{P} {B} mod. {M} okazja",
    "art": "{P} {B} art. {M}",
    "nr_kat": "{P} {B} nr kat. {M}",
    "typ": "{P} {B} typ {M}",
    "respaced": "{P} {B} {M2}",
    "lower": "{p} {b} {m}",
}
DESCRIPTION_ONLY = "in_description"
FORMS = (*TEMPLATES, DESCRIPTION_ONLY)


@dataclass(frozen=True, slots=True)
class SellerProduct:
    """What a seller knows of an alert's product: its brand, model and what it is."""

    number: str
    brand: str
    model: str
    noun: str
    name: str


@dataclass(frozen=True, slots=True)
class BuiltOffer:
    """One offer of the evaluation, with what it is for."""

    marketplace_id: str
    kind: str  # positive, sibling, lawful
    form: str  # the template, "sibling", or the lawful listing's source
    title: str
    brand: str | None
    description: str = ""
    alert_number: str = ""  # the alert a positive or sibling was built from


def seller_model(model_field: str) -> str | None:
    """The model a seller would copy from an alert's model field, or None if it names none."""
    for item in _ITEMS.split(model_field):
        lowered = item.lower()
        if "*" in item or any(w in lowered for w in ("approval", "model year", "trade mark")):
            continue
        text = _LABEL.sub("", _BRACKETS.sub("", item).strip()).strip(" .:-")
        if len(text) > 30:
            continue
        tokens = re.findall(r"[0-9A-Za-z]+", _QUANTITY.sub(" ", text))
        if any(_MODEL_TOKEN.fullmatch(t) for t in tokens):
            return text
    return None


def seller_brand(brand_field: str) -> str:
    """The brand a seller writes: the first of several ("Hotpoint, Indesit" -> "Hotpoint")."""
    return _BRAND_PARTS.split(brand_field.strip())[0].strip()


def polish_noun(product_type: str) -> str:
    lowered = product_type.casefold()
    return next((noun for word, noun in POLISH_NOUNS if word in lowered), product_type)


def seller_products(alerts: list[AlertIn]) -> list[SellerProduct]:
    """The alerts a seller could list by brand and model, as the seller would name them."""
    out = []
    for alert in alerts:
        brand, model = seller_brand(alert.brand), seller_model(alert.model)
        if brand and model:
            name = alert.name if alert.name and alert.name.casefold() not in model.casefold() \
                else ""
            out.append(SellerProduct(alert.number, brand, model, polish_noun(alert.product),
                                     name))
    return out


def respaced(model: str) -> str:
    """The model as another seller types it: hyphens as spaces, or separators dropped."""
    if re.search(r"[-./]", model):
        return re.sub(r"[-./]", " ", model)
    spaced = re.sub(r"(?<=[A-Za-z])(?=\d)", " ", model, count=1)
    return spaced if spaced != model else model.replace(" ", "")


def positives(product: SellerProduct) -> Iterator[BuiltOffer]:
    """Every form of one product, each once with the brand field filled in and once without."""
    values = {"P": product.noun, "p": product.noun.lower(), "B": product.brand,
              "b": product.brand.lower(), "M": product.model, "m": product.model.lower(),
              "M2": respaced(product.model), "N": product.name}
    for form in FORMS:
        if form == DESCRIPTION_ONLY:
            title = " ".join(x for x in (product.noun, product.brand, product.name) if x)
            description = f"Stan: nowy. Model: {product.model}. Wysyłka w 24 godziny."
        else:
            title = re.sub(r"\s+", " ", TEMPLATES[form].format(**values)).strip(" ,")
            description = "Produkt nowy, wysyłka w 24 godziny."
        for with_brand in (True, False):
            yield BuiltOffer(f"p-{product.number}-{form}-{int(with_brand)}", "positive", form,
                             title[:300], product.brand if with_brand else None, description,
                             product.number)


def plain(text: str) -> str:
    """Letters and digits only, lower case: how the evaluation compares brands and models."""
    return re.sub(r"[^0-9a-z]", "", text.casefold())


@dataclass(frozen=True, slots=True)
class AlertText:
    """What an alert names, to tell whether it names a given product too."""

    brands: frozenset[str]
    text: str  # its model field and name, plain
    codes: frozenset[str]  # the words of letters and digits in them ("Z4", "BR177")

    @classmethod
    def of(cls, alert: AlertIn) -> AlertText:
        parts = [alert.brand, *_BRAND_PARTS.split(alert.brand)]
        return cls(frozenset(plain(p) for p in parts if plain(p)),
                   plain(f"{alert.model} {alert.name}"), codes_in(f"{alert.model} {alert.name}"))

    def names(self, brand: str, model: str) -> bool:
        """The alert is about this brand and names this model (among others, maybe)."""
        return plain(brand) in self.brands and plain(model) in self.text


def codes_in(text: str) -> frozenset[str]:
    """Words mixing letters and digits, lower case: "BMW Z4 G29" -> {"z4", "g29"}."""
    return frozenset(w.lower() for w in re.findall(r"[0-9A-Za-z]+", text)
                     if re.search(r"\d", w) and re.search(r"[A-Za-z]", w))


def sibling_model(model: str, *, step: int = 1) -> str:
    """Another model of the same line: the last digit moved on ("4831" -> "4832")."""
    digits = [i for i, c in enumerate(model) if c.isdigit()]
    i = digits[-1]
    return model[:i] + str((int(model[i]) + step) % 10) + model[i + 1:]


def siblings(product: SellerProduct, alerts: Iterable[AlertText]) -> Iterator[BuiltOffer]:
    """Lawful offers of the same brand and line with a model number no alert names."""
    named = [a for a in alerts if plain(product.brand) in a.brands]
    other = next((m for m in (sibling_model(product.model, step=k) for k in range(1, 10))
                  if not any(a.names(product.brand, m) for a in named)), None)
    if other is None:
        return
    for form, template in (("sibling", "{P} {B} {M}"), ("sibling_model", "{P} {B} model {M}")):
        title = template.format(P=product.noun, B=product.brand, M=other)
        yield BuiltOffer(f"s-{product.number}-{form}", "sibling", form, title, product.brand,
                         "Produkt nowy, wysyłka w 24 godziny.", product.number)


def lawful_listings(flipkart: Path | None, polish_dir: Path | None, *, limit: int | None = None
                    ) -> Iterator[BuiltOffer]:
    """Real lawful listings read from their files (never stored in the repository)."""
    count = 0
    sources: list[tuple[Path, str, str, str | None]] = []
    if flipkart is not None:
        sources.append((flipkart, "product_name", "brand", None))
    if polish_dir is not None:
        sources.extend((p, "title", "brand", "description")
                       for p in sorted(polish_dir.glob("*.csv")))
    for path, title_col, brand_col, desc_col in sources:
        with path.open(encoding="utf-8", newline="") as fh:
            for i, row in enumerate(csv.DictReader(fh)):
                title = (row.get(title_col) or "").strip()
                if not title:
                    continue
                if limit is not None and count >= limit:
                    return
                count += 1
                brand = (row.get(brand_col) or "").strip()[:120] or None
                description = (row.get(desc_col) or "").strip() if desc_col else ""
                yield BuiltOffer(f"l-{path.stem}-{i}", "lawful", path.stem, title[:300], brand,
                                 description[:20_000])
