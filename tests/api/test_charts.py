from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from api.charts import bar_chart_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return root.findall("svg:rect[@class='bar']", NS)


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.findall("svg:text", NS)]


def test_chart_is_an_accessible_image_with_one_bar_per_point() -> None:
    points = [("10:00", 4), ("11:00", 0), ("12:00", 8)]
    root = parse(bar_chart_svg(points, title="Decisions per hour"))

    assert root.get("role") == "img"
    assert root.findtext("svg:title", namespaces=NS) == "Decisions per hour"
    assert [b.findtext("svg:title", namespaces=NS) for b in bars(root)] == [
        "10:00: 4", "11:00: 0", "12:00: 8",
    ]
    assert "8" in texts(root)  # the y-axis max label


@pytest.mark.parametrize(
    "values",
    [(4, 0, 8), (1, 2, 3, 4, 5), (7,), (0, 0, 100, 50)],
)
def test_bar_heights_are_proportional_to_values(values: tuple[int, ...]) -> None:
    root = parse(bar_chart_svg([(str(i), v) for i, v in enumerate(values)], title="t"))
    heights = [float(b.get("height", "nan")) for b in bars(root)]
    tallest = max(heights)
    assert tallest > 0
    for height, value in zip(heights, values, strict=True):
        assert height / tallest == pytest.approx(value / max(values), abs=0.01)
    # Bars stand on one baseline.
    assert len({round(float(b.get("y", "0")) + float(b.get("height", "0")), 1)
                for b in bars(root)}) == 1


def test_labels_and_title_with_markup_are_escaped() -> None:
    svg = bar_chart_svg([("<&>\"'", 3)], title="A <b>&</b> chart")
    root = parse(svg)
    assert "<b>" not in svg and "<&>" not in svg
    assert root.findtext("svg:title", namespaces=NS) == "A <b>&</b> chart"
    assert root.get("aria-label") == "A <b>&</b> chart"
    assert bars(root)[0].findtext("svg:title", namespaces=NS) == "<&>\"': 3"
    assert "<&>\"'" in texts(root)


@pytest.mark.parametrize(
    ("count", "width", "max_labels"),
    [(3, 720, 3), (24, 720, 24), (24, 240, 12), (168, 720, 56), (500, 300, 40)],
)
def test_x_labels_are_thinned_so_they_do_not_overlap(
    count: int, width: int, max_labels: int
) -> None:
    points = [(f"{i % 24:02d}:00", i) for i in range(count)]
    root = parse(bar_chart_svg(points, title="t", width=width))
    labels = [t for t in root.findall("svg:text", NS) if t.text and ":" in t.text]
    assert len(bars(root)) == count
    assert 1 <= len(labels) <= max_labels
    xs = [float(t.get("x", "0")) for t in labels]
    gaps = [b - a for a, b in pairwise(xs)]
    assert all(gap >= 5 * 6.5 for gap in gaps)  # "HH:MM" at about 6.5 px a character
    assert labels[0].text == "00:00"


@pytest.mark.parametrize("points", [[], [("a", 0), ("b", 0), ("c", 0)]])
def test_empty_or_all_zero_chart_still_renders(points: list[tuple[str, int]]) -> None:
    root = parse(bar_chart_svg(points, title="Nothing yet"))
    assert root.findtext("svg:title", namespaces=NS) == "Nothing yet"
    assert len(bars(root)) == len(points)
    assert all(float(b.get("height", "nan")) == 0 for b in bars(root))
    assert "0" in texts(root)
    assert ("No data" in texts(root)) == (not points)


def test_size_is_honoured() -> None:
    root = parse(bar_chart_svg([("a", 1)], title="t", width=300, height=120))
    assert (root.get("width"), root.get("height"), root.get("viewBox")) == (
        "300", "120", "0 0 300 120",
    )
