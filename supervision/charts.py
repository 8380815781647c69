"""Small server-side SVG charts (no JavaScript, no CSS: presentation attributes only,
so the strict Content-Security-Policy holds). Text is escaped.

Every chart shows its title, labels at 12 px or more, value axes on round steps
(1, 2 or 5 × 10ⁿ), whole numbers as whole numbers, and only as many category
labels as fit without overlapping: month axes thin out from the newest month
back, and a bar chart whose labels do not fit under the bars turns its bars
horizontal, so every label (an industry's full name) stays readable.
"""

import math
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#1f6fb2", "#d9822b", "#2e8540", "#b3261e", "#6f42c1", "#17a2b8", "#8a6d3b", "#555555"]
WIDTH, HEIGHT = 640, 300
FONT = 13  # labels and legend, px (the issue asks for 12 at least)
TITLE_FONT = 15
LEFT, RIGHT = 64, 16
TOP = 40  # room for the title
AXIS_LABEL_GAP = 8  # px between two neighbouring axis labels
ROW = 26  # px per category in a horizontal bar chart
MAX_LABEL_WIDTH = 240  # px; a longer category label is cut with "…" (full text in its tooltip)


def _num(value) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal | int | float) else None


def text_width(text: str, size: int = FONT) -> float:
    """Roughly how wide `text` renders: CJK characters are square, Latin ones narrower."""
    return sum(size if ord(char) >= 0x2E80 else size * 0.62 for char in str(text))


def _cut(text: str, width: float) -> str:
    text = str(text)
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def all_integers(values) -> bool:
    """True when every value is a whole number (counts, head counts)."""
    numbers = [_num(v) for v in values if _num(v) is not None]
    return bool(numbers) and all(float(v).is_integer() for v in numbers)


def nice_step(span: float, *, max_intervals: int = 7, integers: bool = False, low: float = 0.0) -> float:
    """The smallest round step (1, 2 or 5 × 10ⁿ) that covers `span` (from `low`) in at
    most `max_intervals` intervals, at least 1 for whole numbers."""
    if span <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(span / max_intervals))
    for step in (m * magnitude * scale for scale in (1, 10, 100) for m in (1, 2, 5)):
        if integers and step < 1:
            continue
        if _intervals(low, low + span, step) <= max_intervals:
            return step
    return 10 * magnitude * 100


def _intervals(low: float, high: float, step: float) -> int:
    return round(math.ceil(high / step - 1e-9) - math.floor(low / step + 1e-9))


def nice_ticks(low: float, high: float, *, max_intervals: int = 7, integers: bool = False) -> list[float]:
    """Round tick values covering [low, high]: 0, 20, 40 ... or 0, 0.2, 0.4 ..."""
    if high < low:
        low, high = high, low
    if high == low:
        high = low + (1 if integers or low == 0 else abs(low))
    step = nice_step(high - low, max_intervals=max_intervals, integers=integers, low=low)
    first = math.floor(low / step + 1e-9) * step
    return [round(first + i * step, 10) for i in range(_intervals(low, high, step) + 1)]


def format_value(value: float, *, integers: bool = False, step: float | None = None) -> str:
    """A value as people read it: 5854, 26.25, 1.5万 (never 5854.0)."""
    if abs(value) >= 10000:
        return _trim(f"{value / 10000:.2f}") + "万"
    if integers or float(value).is_integer():
        return f"{round(value):d}"
    decimals = 2 if step is None else max(0, min(4, -math.floor(math.log10(step))))
    return _trim(f"{value:.{decimals}f}")


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def shown_label_indices(count: int, spacing: float, widest: float) -> list[int]:
    """Which of `count` evenly spaced labels to draw so none overlaps another:
    every k-th one counted back from the last, so the newest month always shows."""
    if count <= 0:
        return []
    every = max(1, math.ceil((widest + AXIS_LABEL_GAP) / max(spacing, 1e-9)))
    return sorted(i for i in range(count) if (count - 1 - i) % every == 0)


def _open(title: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="{WIDTH / 2:.0f}" y="22" text-anchor="middle" font-size="{TITLE_FONT}" font-weight="600" '
        f'fill="#212529">{escape(_cut(title, WIDTH - 16))}</text>',
    ]


def _legend(legend, y: float) -> tuple[list[str], float]:
    """Legend entries left to right, wrapping to a new row when the width runs out;
    returns the parts and the y below the legend."""
    parts = []
    x = LEFT
    for colour, name in legend:
        width = 20 + text_width(name) + 16
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, y = LEFT, y + FONT + 8
        parts.append(f'<rect x="{x:.0f}" y="{y - FONT + 2:.0f}" width="12" height="12" fill="{colour}"/>')
        parts.append(f'<text x="{x + 17:.0f}" y="{y:.0f}" font-size="{FONT}" fill="#212529">{escape(name)}</text>')
        x += width
    return parts, y + (8 if legend else 0)


def _legend_rows(legend) -> int:
    rows, x = (1 if legend else 0), LEFT
    for _colour, name in legend:
        width = 20 + text_width(name) + 16
        if x + width > WIDTH - RIGHT and x > LEFT:
            rows, x = rows + 1, LEFT
        x += width
    return rows


def _value_axis(values, integers) -> tuple[list[float], float]:
    ticks = nice_ticks(min([0.0, *values]), max([0.0, *values]), integers=integers)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return ticks, step


def _vertical(
    title: str, labels: list[str], ticks: list[float], step: float, integers: bool, body_for, legend
) -> SafeString:
    """The frame of a chart with a vertical value axis and the labels along the bottom.
    `body_for(x_of_index, y_of_value, plot_w)` draws the data."""
    low, high = ticks[0], ticks[-1]
    legend_h = _legend_rows(legend) * (FONT + 8)
    bottom = FONT + 14 + legend_h + 8
    height = HEIGHT
    plot_h = height - TOP - bottom
    plot_w = WIDTH - LEFT - RIGHT

    def y_of(value):
        return TOP + plot_h * (high - value) / (high - low)

    parts = _open(title, height)
    for tick in ticks:
        y = y_of(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e3e3e3" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="{FONT}" fill="#495057">'
            f"{format_value(tick, integers=integers, step=step)}</text>"
        )
    if low < 0 < high:
        parts.append(f'<line x1="{LEFT}" y1="{y_of(0):.1f}" x2="{WIDTH - RIGHT}" y2="{y_of(0):.1f}" stroke="#888"/>')
    positions, body = body_for(y_of, plot_w)
    parts.extend(body)
    if labels:
        spacing = positions[1] - positions[0] if len(positions) > 1 else plot_w
        widest = max(text_width(label) for label in labels)
        for index in shown_label_indices(len(labels), spacing, widest):
            parts.append(
                f'<text x="{positions[index]:.1f}" y="{TOP + plot_h + FONT + 6}" text-anchor="middle" '
                f'font-size="{FONT}" fill="#212529">{escape(labels[index])}</text>'
            )
    legend_parts, _y = _legend(legend, TOP + plot_h + FONT + 14 + FONT + 8)
    parts.extend(legend_parts)
    parts.append("</svg>")
    # Every text above is escaped; the rest is numbers and our own markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703  # nosemgrep: mark-safe-of-non-literal


def _series_values(series, band=None) -> list[float]:
    values = [_num(v) for _, data in series for v in data if _num(v) is not None]
    if band:
        values += [_num(v) for v in band[0] + band[1] if _num(v) is not None]
    return values


def bar_chart(title: str, labels: list, series: list[tuple[str, list]], integers: bool | None = None) -> SafeString:
    """Grouped bars: one group per label, one bar per series. Bars stand up when
    the labels fit under them, and lie down (labels on the left) when they do not."""
    labels = [str(label) for label in labels]
    values = _series_values(series)
    if integers is None:
        integers = all_integers(values)
    ticks, step = _value_axis(values or [0.0], integers)
    legend = [(PALETTE[i % len(PALETTE)], str(name)) for i, (name, _) in enumerate(series)] if len(series) > 1 else []
    groups = max(1, len(labels))
    group_w = (WIDTH - LEFT - RIGHT) / groups
    if labels and max(text_width(label) for label in labels) + AXIS_LABEL_GAP > group_w:
        return _horizontal_bars(title, labels, series, ticks, step, integers, legend)

    def body_for(y_of, plot_w):
        bar_w = max(1.0, group_w * 0.8 / max(1, len(series)))
        base = y_of(0.0) if ticks[0] <= 0 <= ticks[-1] else y_of(ticks[0])
        body = []
        for s_index, (name, data) in enumerate(series):
            colour = PALETTE[s_index % len(PALETTE)]
            for g_index, raw in enumerate(data):
                value = _num(raw)
                if value is None:
                    continue
                x = LEFT + g_index * group_w + group_w * 0.1 + s_index * bar_w
                top, bottom = sorted((y_of(value), base))
                body.append(
                    f'<rect x="{x:.1f}" y="{top:.1f}" width="{bar_w:.1f}" height="{max(0.5, bottom - top):.1f}" '
                    f'fill="{colour}"><title>{escape(labels[g_index])} {escape(name)}: '
                    f"{format_value(value, integers=integers)}</title></rect>"
                )
        return [LEFT + (i + 0.5) * group_w for i in range(len(labels))], body

    return _vertical(title, labels, ticks, step, integers, body_for, legend)


def _horizontal_bars(title, labels, series, ticks, step, integers, legend) -> SafeString:
    label_w = min(MAX_LABEL_WIDTH, max(text_width(label) for label in labels)) + 12
    left = label_w
    plot_w = WIDTH - left - RIGHT - 16
    rows = len(labels)
    plot_h = rows * ROW
    legend_h = _legend_rows(legend) * (FONT + 8)
    height = TOP + plot_h + FONT + 14 + legend_h + 12
    low, high = ticks[0], ticks[-1]

    def x_of(value):
        return left + plot_w * (value - low) / (high - low)

    parts = _open(title, height)
    # Tick labels along the bottom, thinned so none overlaps (wide numbers, narrow plot).
    tick_texts = [format_value(t, integers=integers, step=step) for t in ticks]
    spacing = plot_w / max(1, len(ticks) - 1)
    shown = set(shown_label_indices(len(ticks), spacing, max(text_width(t) for t in tick_texts)))
    for index, tick in enumerate(ticks):
        x = x_of(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="#e3e3e3"/>')
        if index in shown:
            parts.append(
                f'<text x="{x:.1f}" y="{TOP + plot_h + FONT + 6}" text-anchor="middle" font-size="{FONT}" '
                f'fill="#495057">{tick_texts[index]}</text>'
            )
    base = x_of(0.0) if low <= 0 <= high else x_of(low)
    bar_h = max(4.0, ROW * 0.7 / max(1, len(series)))
    for g_index, label in enumerate(labels):
        y = TOP + g_index * ROW
        parts.append(
            f'<text x="{left - 8}" y="{y + ROW / 2 + FONT / 2 - 1:.1f}" text-anchor="end" font-size="{FONT}" '
            f'fill="#212529">{escape(_cut(label, MAX_LABEL_WIDTH))}<title>{escape(label)}</title></text>'
        )
        for s_index, (name, data) in enumerate(series):
            value = _num(data[g_index]) if g_index < len(data) else None
            if value is None:
                continue
            start, end = sorted((base, x_of(value)))
            parts.append(
                f'<rect x="{start:.1f}" y="{y + ROW * 0.15 + s_index * bar_h:.1f}" width="{max(0.5, end - start):.1f}" '
                f'height="{bar_h:.1f}" fill="{PALETTE[s_index % len(PALETTE)]}"><title>{escape(label)} '
                f"{escape(name)}: {format_value(value, integers=integers)}</title></rect>"
            )
    legend_parts, _y = _legend(legend, TOP + plot_h + FONT + 14 + FONT + 6)
    parts.extend(legend_parts)
    parts.append("</svg>")
    # Every text above is escaped; the rest is numbers and our own markup.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703  # nosemgrep: mark-safe-of-non-literal


def line_chart(
    title: str,
    labels: list,
    series: list[tuple[str, list]],
    band: tuple[list, list] | None = None,
    dashed_from: int | None = None,
    integers: bool | None = None,
) -> SafeString:
    """Lines over the labels (None leaves a gap); `band` (lower, upper) shades an interval;
    points from index `dashed_from` on are drawn dashed (a forecast)."""
    labels = [str(label) for label in labels]
    values = _series_values(series, band)
    if integers is None:
        integers = all_integers(_series_values(series))
    ticks, step = _value_axis(values or [0.0], integers)
    count = max(2, len(labels))
    legend = [(PALETTE[i % len(PALETTE)], str(name)) for i, (name, _) in enumerate(series)]

    def body_for(y_of, plot_w):
        def x_of(i):
            return LEFT + plot_w * i / (count - 1)

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
                        f'<circle cx="{x_of(i):.1f}" cy="{y_of(v):.1f}" r="3" fill="{colour}">'
                        f"<title>{escape(labels[i])} {escape(name)}: {format_value(v, integers=integers)}</title>"
                        "</circle>"
                    )
        return [x_of(i) for i in range(len(labels))], body

    return _vertical(title, labels, ticks, step, integers, body_for, legend)
