"""Conditions as data: what a rule's `when:` parses into, before the engine compiles it."""

from __future__ import annotations

from dataclasses import dataclass

from rules.brands import BrandEntry

TEXT_FIELDS = ("title", "description", "brand")


@dataclass(frozen=True, slots=True)
class Phrases:
    """Any of the phrases occurs, on word boundaries, in one of the fields."""

    phrases: tuple[str, ...]  # normalised
    fields: tuple[str, ...] = ("title", "description")
    unless_preceded_by: tuple[str, ...] = ()  # normalised, e.g. negations "nie", "zadna"
    window: int = 3  # words before a phrase searched for `unless_preceded_by`
    source: str = "inline"


@dataclass(frozen=True, slots=True)
class Regex:
    """A regular expression (written against normalised text) finds a match in one field."""

    pattern: str
    field: str


@dataclass(frozen=True, slots=True)
class BrandIn:
    """A brand of the list is named in the fields (fuzzily) or is the offer's brand field."""

    brands: tuple[BrandEntry, ...]
    cutoff: float = 90.0
    fields: tuple[str, ...] = ("title", "brand")
    preceded_by: tuple[str, ...] = ()  # normalised; must end at most `gap` words before
    gap: int = 0
    unless_preceded_by: tuple[str, ...] = ()
    window: int = 3
    include_ordinary_names: bool = False
    source: str = "inline"
    catalogue: tuple[BrandEntry, ...] = ()  # the whole list `brands` was filtered from


@dataclass(frozen=True, slots=True)
class BrandMismatch:
    """The title names a brand of the list, the brand field is set and names another one."""

    brands: tuple[BrandEntry, ...]
    cutoff: float = 90.0
    unless_preceded_by: tuple[str, ...] = ()
    window: int = 3
    include_ordinary_names: bool = False
    ignore_brand_values: tuple[str, ...] = ()  # normalised "no brand" values of the field
    source: str = "inline"
    catalogue: tuple[BrandEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class PriceBelowReference:
    """The price (PLN) is below `ratio` times the reference price of the offer's brand."""

    ratio: float
    brands: tuple[BrandEntry, ...]
    reference: float | None = None  # PLN; a fixed reference instead of the list's prices
    cutoff: float = 90.0
    fields: tuple[str, ...] = ("brand", "title")
    unless_preceded_by: tuple[str, ...] = ()
    window: int = 3
    source: str = "brands.csv"
    catalogue: tuple[BrandEntry, ...] = ()


@dataclass(frozen=True, slots=True)
class CategoryIn:
    """The offer's category path equals, starts with or contains as a segment one of values."""

    values: tuple[str, ...]  # normalised
    negate: bool = False


@dataclass(frozen=True, slots=True)
class SellerAccountAgeBelow:
    """The seller's account is younger than `days` (unknown age never matches)."""

    days: int


@dataclass(frozen=True, slots=True)
class SellerNotActivated:
    """The seller's account is not known to be activated (not activated, or unknown)."""


@dataclass(frozen=True, slots=True)
class SellerStrikesAtLeast:
    """The seller has at least `strikes` upheld strikes."""

    strikes: int


@dataclass(frozen=True, slots=True)
class All:
    """Every child holds."""

    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one child holds."""

    children: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """The child does not hold."""

    child: Condition


Condition = (Phrases | Regex | BrandIn | BrandMismatch | PriceBelowReference | CategoryIn
             | SellerAccountAgeBelow | SellerNotActivated | SellerStrikesAtLeast | All | AnyOf
             | Not)
