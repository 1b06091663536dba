"""The rate-limit chart: remaining quota over time as inline SVG, 429s marked. No plotting library.

Colours come from CSS classes, so the page's light and dark styles apply to the chart too.
A chart is a frame plus layers; a layer is a function of the Scale, so more can be drawn on top.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from pinscope.report.markup import Html, attrs, el, esc, join
from pinscope.report.model import RatePoint
from pinscope.report.units import duration

WIDTH, HEIGHT = 720, 230
LEFT, RIGHT, TOP, BOTTOM = 56, 20, 18, 40
SERIES = 4  # distinct series colours (s0..s3) before they repeat


@dataclass(frozen=True)
class Scale:
    """Maps (time, remaining) to chart coordinates."""

    start: float
    end: float
    top: float  # the largest remaining value the y axis shows

    def x(self, timestamp: float) -> float:
        """Horizontal position of a time."""
        if self.end <= self.start:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        return LEFT + (timestamp - self.start) / (self.end - self.start) * (WIDTH - LEFT - RIGHT)

    def y(self, remaining: float) -> float:
        """Vertical position of a remaining value."""
        return TOP + (1 - remaining / self.top) * (HEIGHT - TOP - BOTTOM)


Layer = Callable[[Scale], str]


def coord(value: float) -> str:
    """An SVG coordinate with one decimal."""
    return f"{value:.1f}"


def _clock(moment: datetime, with_date: bool) -> str:
    return moment.strftime("%m-%d %H:%M" if with_date else "%H:%M:%S")


def rate_chart(points: Sequence[RatePoint], limit: int | None, caption: str,
               layers: Sequence[Layer] = (), until: float | None = None) -> Html:
    """An SVG line chart of remaining quota per token, 429s marked, the binding quota dashed.

    `until` stretches the time axis past the last point (for layers that project forward).
    """
    if not points:
        return el("p", "No rate-limit headers or 429 responses to chart.", cls="muted")
    times = [p.timestamp.timestamp() for p in points]
    values = [p.remaining for p in points if p.remaining is not None]
    scale = Scale(min(times), max([*times, *(() if until is None else (until,))]),
                  float(max([limit or 0, *values]) or 1))
    body = [_frame(scale, points, limit), *_series(scale, points), _limited(scale, points)]
    body += [layer(scale) for layer in layers]
    return Html(f'<svg{attrs(viewBox=f"0 0 {WIDTH} {HEIGHT}", role="img", cls="chart")}>'
                f"{el('title', caption)}{join(Html(part) for part in body)}</svg>")


def _frame(scale: Scale, points: Sequence[RatePoint], limit: int | None) -> str:
    """Axes, grid, tick labels and the dashed quota line."""
    out = []
    for value in sorted({0, round(scale.top / 2), round(scale.top)}):
        y = coord(scale.y(value))
        out.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        out.append(f'<text class="tick" x="{LEFT - 8}" y="{y}" text-anchor="end" '
                   f'dominant-baseline="middle">{value:,}</text>')
    if limit:
        y = coord(scale.y(limit))
        out.append(f'<line class="quota" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}"/>')
        out.append(f'<text class="tick quota-label" x="{WIDTH - RIGHT}" y="{coord(scale.y(limit) - 5)}" '
                   f'text-anchor="end">quota {limit:,}</text>')
    first = points[0].timestamp
    last = max(points[-1].timestamp, datetime.fromtimestamp(scale.end, first.tzinfo))  # `until` stretches
    with_date = first.date() != last.date()
    base = HEIGHT - BOTTOM + 18
    if last == first:  # one moment: its time under the point, in the middle
        out.append(f'<text class="tick" x="{coord(scale.x(first.timestamp()))}" y="{base}" '
                   f'text-anchor="middle">{esc(_clock(first, with_date))} UTC</text>')
        return "".join(out) + _y_title()
    out.append(f'<text class="tick" x="{LEFT}" y="{base}">{esc(_clock(first, with_date))}</text>')
    out.append(f'<text class="tick" x="{WIDTH - RIGHT}" y="{base}" text-anchor="end">'
               f"{esc(_clock(last, with_date))} UTC</text>")
    axis = f"time (UTC), over {duration(last.timestamp() - first.timestamp())}"
    out.append(f'<text class="axis-label" x="{LEFT + (WIDTH - LEFT - RIGHT) / 2}" y="{base}" '
               f'text-anchor="middle">{esc(axis)}</text>')
    return "".join(out) + _y_title()


def _y_title() -> str:
    middle = coord(TOP + (HEIGHT - TOP - BOTTOM) / 2)
    return (f'<text class="axis-label" x="14" y="{middle}" text-anchor="middle" '
            f'transform="rotate(-90 14 {middle})">remaining</text>')


def _series(scale: Scale, points: Sequence[RatePoint]) -> list[str]:
    """One polyline and its dots per token."""
    tokens = list(dict.fromkeys(p.token for p in points))
    radius = 3 if len(points) <= 120 else 1.6
    out = []
    for index, token in enumerate(tokens):
        mine = [p for p in points if p.token == token and p.remaining is not None]
        if not mine:
            continue
        cls = f"s{index % SERIES}"
        parts = _lines(scale, mine, cls)
        for p in mine:
            tip = f"{p.timestamp:%H:%M:%S} UTC: {p.remaining:,} left" + (f" ({token})" if token else "")
            parts.append(f'<circle{attrs(cls=f"point {cls}", cx=coord(scale.x(p.timestamp.timestamp())),
                                         cy=coord(scale.y(p.remaining)), r=radius,
                                         data_remaining=p.remaining)}>{el("title", tip)}</circle>')
        out.append(el("g", Html("".join(parts)), cls="series", data_token=token or ""))
    return out


def _lines(scale: Scale, points: list[RatePoint], cls: str) -> list[str]:
    """Solid runs while the budget is spent; a dashed rise where a new window began between samples."""
    xy = [(coord(scale.x(p.timestamp.timestamp())), coord(scale.y(p.remaining))) for p in points]
    out, run = [], [xy[0]]
    for (before, after), (x, y) in zip(zip(points, points[1:]), xy[1:]):
        if after.remaining > before.remaining:
            out.append(f'<polyline class="line {cls}" points="{" ".join(f"{a},{b}" for a, b in run)}"/>')
            out.append(f'<line class="line reset {cls}" x1="{run[-1][0]}" y1="{run[-1][1]}" x2="{x}" y2="{y}"/>')
            run = []
        run.append((x, y))
    out.append(f'<polyline class="line {cls}" points="{" ".join(f"{a},{b}" for a, b in run)}"/>')
    return out


def _limited(scale: Scale, points: Sequence[RatePoint]) -> str:
    """A red rule and a cross at each 429."""
    out = []
    for p in (p for p in points if p.limited):
        x, y = scale.x(p.timestamp.timestamp()), scale.y(p.remaining or 0)
        tip = f"{p.timestamp:%H:%M:%S} UTC: 429 Too Many Requests" + (f" ({p.token})" if p.token else "")
        cross = f"M{coord(x - 5)},{coord(y - 5)}L{coord(x + 5)},{coord(y + 5)}M{coord(x - 5)},{coord(y + 5)}L{coord(x + 5)},{coord(y - 5)}"
        out.append(f'<g class="limited"><line x1="{coord(x)}" x2="{coord(x)}" y1="{TOP}" '
                   f'y2="{HEIGHT - BOTTOM}"/><path d="{cross}"/>{el("title", tip)}</g>')
    return "".join(out)
