"""Shared hypothesis settings and inputs for the parser fuzz tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# A few hundred examples each keeps the whole fuzz suite well under a minute in CI; the
# deadline is per example, generous for a loaded 2-core machine, and still catches a
# parser that goes quadratic on its input.
FUZZ = settings(max_examples=200, deadline=timedelta(milliseconds=1500),
                suppress_health_check=[HealthCheck.too_slow,
                                       HealthCheck.function_scoped_fixture], derandomize=False)

# Text an attacker or a broken export may send: every plane, controls, surrogates' escapes.
EVASIVE = list("aeiourplkAĄęŁ0134@$!.-_*|/,~·• \t\n\u200b\u00ad\u2060\ufeffｒеρIlO1")


def texts_of(max_size: int) -> st.SearchStrategy[str]:
    """Any text (every plane, controls) or text made of what evasions are made of."""
    return st.one_of(st.text(st.characters(exclude_categories=("Cs",)), max_size=max_size),
                     st.text(st.sampled_from(EVASIVE), max_size=max_size))


texts = texts_of(60)  # a field's value

json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                         texts)


def json_values(keys: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Any]:
    """JSON documents, their object keys drawn from `keys` (field names) or any text."""
    key_strategy = keys if keys is not None else texts
    return st.recursive(json_scalars, lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(key_strategy, children, max_size=8)), max_leaves=20)
