"""The classifier's answer for one offer: a type of its own, without the libraries that
compute it, so that what only reads scores (the domain, the API) does not load them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Score:
    """The classifier's probability for one offer and the features that pushed it up."""

    value: float
    features: tuple[tuple[str, float], ...]  # (name, contribution), strongest positive first
