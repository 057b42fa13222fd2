"""Reading /metrics as Prometheus does, for the tests that count on it."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
SUFFIXES = {"counter": ("_total", "_created"), "histogram": ("_bucket", "_sum", "_count",
                                                              "_created"),
            "gauge": ("",), "summary": ("_sum", "_count", "_created")}


def samples(text: str) -> Samples:
    """Every sample of an exposition by name and labels."""
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(text: str, name: str, **labels: str) -> float:
    """One sample's value; 0 when it is not there (a counter never counted)."""
    return samples(text).get((name, frozenset(labels.items())), 0.0)


def names(text: str) -> set[str]:
    """Every series name a query may use: the samples', and those each declared family will
    have once counted (a labelled counter shows only its TYPE line until then)."""
    found = {name for name, _ in samples(text)}
    for family in text_string_to_metric_families(text):
        found |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
    return found
