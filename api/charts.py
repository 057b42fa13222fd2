"""Server-rendered SVG charts: small, accessible, no chart library."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

_LEFT, _RIGHT, _TOP, _BOTTOM = 40, 8, 12, 24
_FONT = 'font-family="system-ui, sans-serif" font-size="11" fill="#444"'
_CHAR_PX = 6.5  # rough width of one 11px character, to keep x labels apart
_BAR_FILL = "#3b6ea5"


def bar_chart_svg(points: Sequence[tuple[str, int]], *, title: str, width: int = 720,
                  height: int = 220) -> str:
    """Render labelled values as a self-contained, accessible SVG bar chart."""
    plot_w = max(1, width - _LEFT - _RIGHT)
    plot_h = max(1, height - _TOP - _BOTTOM)
    base_y = _TOP + plot_h
    top = max((value for _, value in points), default=0)
    label = escape(title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">',
        f"<title>{label}</title>",
        f'<text x="{_LEFT - 4}" y="{_TOP + 4}" text-anchor="end" {_FONT}>{top}</text>',
        f'<line x1="{_LEFT}" y1="{base_y}" x2="{_LEFT + plot_w}" y2="{base_y}" '
        'stroke="#999" stroke-width="1"/>',
    ]
    if top > 0:
        parts.append(f'<text x="{_LEFT - 4}" y="{base_y}" text-anchor="end" {_FONT}>0</text>')
    if not points:
        parts.append(f'<text x="{_LEFT + plot_w / 2:g}" y="{_TOP + plot_h / 2:g}" '
                     f'text-anchor="middle" {_FONT}>No data</text>')
    slot = plot_w / max(1, len(points))
    every = _label_step(points, slot)
    for i, (name, value) in enumerate(points):
        bar_h = plot_h * max(0, value) / top if top > 0 else 0.0
        x = _LEFT + i * slot + slot * 0.1
        parts.append(
            f'<rect class="bar" x="{x:.2f}" y="{base_y - bar_h:.2f}" width="{slot * 0.8:.2f}" '
            f'height="{bar_h:.2f}" fill="{_BAR_FILL}"><title>{escape(name)}: {value}</title>'
            "</rect>"
        )
        if i % every == 0:
            parts.append(f'<text x="{_LEFT + (i + 0.5) * slot:.2f}" y="{height - 8}" '
                         f'text-anchor="middle" {_FONT}>{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _label_step(points: Sequence[tuple[str, int]], slot: float) -> int:
    """Label every n-th bar so that the widest label fits in the room n bars give it."""
    if not points:
        return 1
    widest = max(len(name) for name, _ in points) * _CHAR_PX + 6
    return max(1, math.ceil(widest / slot))
