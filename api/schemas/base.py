"""The base of every response shape."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict


class Schema(BaseModel):
    """A response shape, read from ORM rows and dataclasses by attribute."""

    model_config = ConfigDict(from_attributes=True)


def _decimal_text(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


# Money as the database keeps it, written out exactly ("2199.00"), never as a float.
DecimalText = Annotated[str, BeforeValidator(_decimal_text)]
