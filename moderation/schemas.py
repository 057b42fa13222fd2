"""Input and output shapes shared by the API and the command line."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from annotated_types import Ge, Le
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)

from moderation.errors import InvalidInput
from moderation.intake import barcodes

M = TypeVar("M", bound=BaseModel)

# PostgreSQL's BIGINT: an id, offset or count past it fails in the database (a 500), so it is
# refused here (a 422 naming the field).
BIGINT_MAX = 2**63 - 1
Id = Annotated[int, Ge(1), Le(BIGINT_MAX)]
Offset = Annotated[int, Ge(0), Le(BIGINT_MAX)]
# PostgreSQL text cannot hold NUL: every string the service stores or looks up is Text, so a
# NUL answers 422 naming the field. Narrow it with StringConstraints (a pattern of its own
# replaces this one and must refuse NUL too).
NO_NUL = r"^[^\x00]*$"
Text = Annotated[str, StringConstraints(pattern=NO_NUL)]
# What the marketplace can mean by a time: a zone is required, and the year is bounded so
# that no offset carries it past what Python reads back from the database, or past what
# converting it to UTC can hold (either was a 500).
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)


def _plausible(value: datetime) -> datetime:
    # A time without a zone is stored as UTC (tables.UtcDateTime), so it is bounded as UTC.
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not EARLIEST <= aware < LATEST:
        raise ValueError(f"must be between {EARLIEST.year} and {LATEST.year}")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]
# Offer events have always been taken with or without a zone; only the bound is new.
PlausibleTime = Annotated[datetime, AfterValidator(_plausible)]


def _barcode_text(value: str) -> str:
    problem = barcodes.problem_of(value)
    if problem:
        raise ValueError(problem)
    return value


# A barcode as the seller wrote it ("590 1234 123457", "5901-2341-23457", or junk): the offer
# is kept whatever its barcodes look like, and moderation/intake/barcodes.py reads them.
BarcodeText = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1,
                                               max_length=barcodes.MAX_BARCODE_CHARS),
                        AfterValidator(_barcode_text)]
# An address the outbox can write to: one "@", a dot in the domain, no spaces.
EMAIL_PATTERN = r"^[^@\s\x00]+@[^@\s\x00]+\.[^@\s.\x00]+$"
Email = Annotated[str, StringConstraints(max_length=254, pattern=EMAIL_PATTERN)]


class SellerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Annotated[Text, StringConstraints(min_length=1, max_length=64)]
    account_created_at: PlausibleTime | None = None
    # Activation by a 1.01 zł transfer; not sent is unknown (not activated), and keeps what
    # the seller's account events or earlier offer events told.
    activated: bool | None = None
    # What the seller's statements of reasons are written in; unsaid keeps what was said
    # before (Polish at first).
    language: Literal["pl", "en"] | None = None


class OfferIn(BaseModel):
    """An offer event from the marketplace: one version of one listing."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    marketplace_id: Annotated[
        str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")
    ]
    version: int = Field(ge=1, le=2**31 - 1)
    seller: SellerIn
    title: Annotated[Text, StringConstraints(min_length=1, max_length=300)]
    description: Annotated[Text, StringConstraints(max_length=20_000)] = ""
    category: Annotated[Text, StringConstraints(max_length=200)] | None = None
    brand: Annotated[Text, StringConstraints(max_length=120)] | None = None
    price: Decimal | None = Field(default=None, ge=0, le=Decimal("1e11"), decimal_places=2)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    gtins: list[BarcodeText] = Field(default_factory=list, max_length=20)

    @field_validator("currency", mode="before")
    @classmethod
    def _upper_currency(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    def barcodes(self) -> barcodes.Barcodes:
        """Valid GTINs (digits only) and the flagged rest; labelled codes in the text if
        `gtins` is empty."""
        return barcodes.read(self.gtins, title=self.title, description=self.description)


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Annotated[str, StringConstraints(pattern=r"^(remove|keep|escalate)$")]
    reason_code: Annotated[Text, StringConstraints(min_length=1, max_length=64)]
    note: Annotated[Text, StringConstraints(max_length=5_000)] = ""


class ReassignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    staff_id: Id


class BulkDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    case_ids: list[Id] = Field(min_length=1, max_length=500)
    decision: DecisionIn


class ClaimIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Text | None = None


def parse(model: type[M], data: dict[str, Any]) -> M:
    """Validate data from a form or a file; a failure names its first field (422)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or None
        raise InvalidInput(f"{where}: {first['msg']}" if where else first["msg"],
                           field=where) from None
