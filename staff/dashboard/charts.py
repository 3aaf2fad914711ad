"""Bar charts as plain geometry, drawn by the template as inline SVG.

No chart library and no script: the page stays within a CSP that forbids
scripts, and the numbers are also listed in a table for screen readers.
"""

from dataclasses import dataclass
from typing import List, Sequence, Tuple

WIDTH = 720
HEIGHT = 180
LABEL_SPACE = 20


@dataclass(frozen=True)
class Bar:
    """One bar: where to draw it and what it stands for."""

    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


@dataclass(frozen=True)
class Chart:
    """The bars of one chart and the largest value (the top of the scale)."""

    title: str
    bars: List[Bar]
    top: float
    width: int = WIDTH
    height: int = HEIGHT


def bar_chart(title: str, points: Sequence[Tuple[str, float]]) -> Chart:
    """Vertical bars for (label, value) points, scaled to the largest value."""
    top = max((value for _, value in points), default=0) or 1
    slot = WIDTH / max(len(points), 1)
    usable = HEIGHT - LABEL_SPACE
    bars = []
    for index, (label, value) in enumerate(points):
        height = usable * value / top
        bars.append(
            Bar(
                x=round(index * slot + slot * 0.1, 2),
                y=round(usable - height, 2),
                width=round(slot * 0.8, 2),
                height=round(height, 2),
                label=label,
                value=value,
            )
        )
    return Chart(title, bars, top)
