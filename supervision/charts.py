"""Small server-side SVG charts (no JavaScript, no CSS: presentation attributes only,
so the strict Content-Security-Policy holds). Text is escaped."""

import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1f6fb2", "#d9822b", "#2e8540", "#b3261e", "#6f42c1", "#17a2b8", "#8a6d3b", "#555555"]
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 56


def _num(value) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else None


def _fmt(value: float) -> str:
    if abs(value) >= 10000:
        return f"{value / 10000:.1f}万"
    if abs(value) >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.1f}"


def _scale(values: list[float]) -> tuple[float, float]:
    low = min([0.0, *values])
    high = max([0.0, *values])
    if high == low:
        high = low + 1
    pad = (high - low) * 0.05
    return (low - pad if low < 0 else low), high + pad


def _frame(title: str, low: float, high: float, body: list[str], labels: list[tuple[float, str]], legend) -> SafeString:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for step in range(5):
        value = low + (high - low) * step / 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e3e3e3" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="#555">{_fmt(value)}</text>'
        )
    if low < 0 < high:
        y0 = TOP + plot_h * high / (high - low)
        parts.append(f'<line x1="{LEFT}" y1="{y0:.1f}" x2="{WIDTH - RIGHT}" y2="{y0:.1f}" stroke="#888"/>')
    parts.extend(body)
    every = max(1, math.ceil(len(labels) / 8))
    for index, (x, text) in enumerate(labels):
        if index % every == 0 or index == len(labels) - 1:
            parts.append(
                f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" '
                f'fill="#333">{escape(text)}</text>'
            )
    x = LEFT
    for colour, name in legend:
        parts.append(f'<rect x="{x}" y="{HEIGHT - 18}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{HEIGHT - 9}" font-size="11" fill="#333">{escape(name)}</text>')
        x += 24 + 12 * len(str(name))
    parts.append("</svg>")
    # Every text above is escaped; the rest is numbers and our own markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703  # nosemgrep: mark-safe-of-non-literal


def bar_chart(title: str, labels: list, series: list[tuple[str, list]]) -> SafeString:
    """Grouped vertical bars: one group per label, one bar per series."""
    values = [_num(v) for _, data in series for v in data if _num(v) is not None]
    low, high = _scale(values or [0.0])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    groups = max(1, len(labels))
    group_w = plot_w / groups
    bar_w = max(1.0, group_w * 0.8 / max(1, len(series)))

    def y_of(v):
        return TOP + plot_h * (high - v) / (high - low)

    body = []
    for s_index, (name, data) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        for g_index, raw in enumerate(data):
            value = _num(raw)
            if value is None:
                continue
            x = LEFT + g_index * group_w + group_w * 0.1 + s_index * bar_w
            top, bottom = sorted((y_of(value), y_of(max(low, 0.0) if low >= 0 else 0.0)))
            body.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar_w:.1f}" height="{max(0.5, bottom - top):.1f}" '
                f'fill="{colour}"><title>{escape(labels[g_index])} {escape(name)}: {_fmt(value)}</title></rect>'
            )
    ticks = [(LEFT + (i + 0.5) * group_w, str(label)) for i, label in enumerate(labels)]
    legend = [(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)] if len(series) > 1 else []
    return _frame(title, low, high, body, ticks, legend)


def line_chart(
    title: str,
    labels: list,
    series: list[tuple[str, list]],
    band: tuple[list, list] | None = None,
    dashed_from: int | None = None,
) -> SafeString:
    """Lines over the labels (None leaves a gap); `band` (lower, upper) shades an interval;
    points from index `dashed_from` on are drawn dashed (a forecast)."""
    values = [_num(v) for _, data in series for v in data if _num(v) is not None]
    if band:
        values += [_num(v) for v in band[0] + band[1] if _num(v) is not None]
    low, high = _scale(values or [0.0])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(2, len(labels))

    def x_of(i):
        return LEFT + plot_w * i / (count - 1)

    def y_of(v):
        return TOP + plot_h * (high - v) / (high - low)

    body = []
    if band:
        lower, upper = band
        points = [(i, _num(u)) for i, u in enumerate(upper) if _num(u) is not None]
        back = [(i, _num(lo)) for i, lo in enumerate(lower) if _num(lo) is not None]
        if points and back:
            path = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in points + back[::-1])
            body.append(f'<polygon points="{path}" fill="#d9822b" fill-opacity="0.18" stroke="none"/>')
    for s_index, (name, data) in enumerate(series):
        colour = PALETTE[s_index % len(PALETTE)]
        segment: list[tuple[int, float]] = []
        segments = []
        for i, raw in enumerate(data):
            value = _num(raw)
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
            else:
                segment.append((i, value))
        if segment:
            segments.append(segment)
        for seg in segments:
            points = " ".join(f"{x_of(i):.1f},{y_of(v):.1f}" for i, v in seg)
            dash = ' stroke-dasharray="6 4"' if dashed_from is not None and seg[0][0] >= dashed_from else ""
            body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            for i, v in seg:
                body.append(
                    f'<circle cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="2.5" fill="{colour}">'
                    f"<title>{escape(labels[i])} {escape(name)}: {_fmt(v)}</title></circle>"
                )
    ticks = [(x_of(i), str(label)) for i, label in enumerate(labels)]
    legend = [(PALETTE[i % len(PALETTE)], name) for i, (name, _) in enumerate(series)]
    return _frame(title, low, high, body, ticks, legend)
