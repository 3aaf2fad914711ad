"""Charts as plain geometry, drawn by the template as inline SVG.

No chart library and no script: the page stays within a CSP that forbids
scripts. Day charts have dated x axes and a counted y axis; rankings are
horizontal bars with their names beside them, so long topic names stay
readable. Every chart's numbers are also in a table for screen readers.
"""

import math
from dataclasses import dataclass, field
from datetime import date
from typing import List, Sequence, Tuple

WIDTH = 720
HEIGHT = 200
# Room for the y axis's numbers and the x axis's dates.
AXIS_LEFT = 44
AXIS_BOTTOM = 24
TOP_MARGIN = 8
# At most this many dates under a day chart, evenly spaced.
MAX_DATE_LABELS = 8
# A ranking's rows, and the room its names get.
ROW_HEIGHT = 26
NAME_SPACE = 300


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
class Tick:
    """A label on an axis, at `position` along it."""

    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    """The bars of one chart, its axes' labels and the top of its scale."""

    title: str
    bars: List[Bar]
    top: float
    kind: str
    width: int = WIDTH
    height: int = HEIGHT
    x_ticks: List[Tick] = field(default_factory=list)
    y_ticks: List[Tick] = field(default_factory=list)
    plot_left: float = AXIS_LEFT
    plot_bottom: float = HEIGHT - AXIS_BOTTOM


def nice_top(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at or above `value` (at least 1)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return int(10 * magnitude)


def day_label(day: date) -> str:
    """A short, unambiguous date: "23 Nov"."""
    return f"{day.day} {day:%b}"


def day_chart(title: str, points: Sequence[Tuple[date, float]]) -> Chart:
    """Vertical bars, one a day, under a 0 / half / top scale and over their dates."""
    top = nice_top(max((value for _, value in points), default=0))
    plot_bottom = HEIGHT - AXIS_BOTTOM
    usable = plot_bottom - TOP_MARGIN
    slot = (WIDTH - AXIS_LEFT) / max(len(points), 1)
    every = max(1, math.ceil(len(points) / MAX_DATE_LABELS))
    bars, x_ticks = [], []
    for index, (day, value) in enumerate(points):
        height = usable * value / top
        x = AXIS_LEFT + index * slot
        bars.append(
            Bar(
                x=round(x + slot * 0.1, 2),
                y=round(plot_bottom - height, 2),
                width=round(slot * 0.8, 2),
                height=round(height, 2),
                label=day.isoformat(),
                value=value,
            )
        )
        if index % every == 0:
            x_ticks.append(Tick(round(x + slot / 2, 2), day_label(day)))
    # Counts are whole: the middle line only where it falls on a whole number.
    shares = (0, 0.5, 1) if top % 2 == 0 else (0, 1)
    y_ticks = [
        Tick(round(plot_bottom - usable * share, 2), f"{top * share:g}")
        for share in shares
    ]
    return Chart(title, bars, top, "days", x_ticks=x_ticks, y_ticks=y_ticks)


def ranking_chart(title: str, points: Sequence[Tuple[str, float]]) -> Chart:
    """Horizontal bars, largest first as given, each with its name on the left."""
    top = max((value for _, value in points), default=0) or 1
    usable = WIDTH - NAME_SPACE - 40
    bars = [
        Bar(
            x=NAME_SPACE,
            y=TOP_MARGIN + index * ROW_HEIGHT,
            width=round(usable * value / top, 2),
            height=ROW_HEIGHT - 8,
            label=label,
            value=value,
        )
        for index, (label, value) in enumerate(points)
    ]
    height = TOP_MARGIN * 2 + ROW_HEIGHT * max(len(points), 1)
    return Chart(title, bars, top, "ranking", height=height, plot_left=NAME_SPACE)
