import re

import pytest

from supervision import charts


def _texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)", str(svg))


def _font_sizes(svg: str) -> list[int]:
    return [int(size) for size in re.findall(r'font-size="(\d+)"', str(svg))]


@pytest.mark.parametrize(
    ("low", "high", "integers", "expected"),
    [
        (0, 105, False, [0, 20, 40, 60, 80, 100, 120]),
        (0, 33.6, True, [0, 5, 10, 15, 20, 25, 30, 35]),
        (0, 1, False, [0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        (0, 3, True, [0, 1, 2, 3]),
        (-12, 47, False, [-20, -10, 0, 10, 20, 30, 40, 50]),
        (0, 5854, True, [0, 1000, 2000, 3000, 4000, 5000, 6000]),
        (0, 0, True, [0, 1]),
    ],
)
def test_nice_ticks_are_round_steps(low, high, integers, expected):
    assert charts.nice_ticks(low, high, integers=integers) == expected


@pytest.mark.parametrize("span", [0.07, 1.3, 8.4, 26.2, 105, 788, 12345, 987654])
def test_every_step_is_one_two_or_five_times_a_power_of_ten(span):
    step = charts.nice_step(span)
    mantissa = step / 10 ** int(f"{step:e}".split("e")[1])
    assert round(mantissa, 6) in (1, 2, 5)


def test_integer_steps_never_go_below_one():
    assert charts.nice_step(3, integers=True) == 1
    assert charts.nice_ticks(0, 2, integers=True) == [0, 1, 2]


def test_values_are_formatted_as_people_read_them():
    assert charts.format_value(5854.0) == "5854"
    assert charts.format_value(5854.4, integers=True) == "5854"
    assert charts.format_value(26.25) == "26.25"
    assert charts.format_value(0.4, step=0.2) == "0.4"
    assert charts.format_value(15000) == "1.5万"
    assert charts.format_value(20000) == "2万"


def test_head_counts_show_integer_ticks_and_no_decimals():
    svg = charts.bar_chart("从业人数", ["2026-01", "2026-02"], [("从业人数", [12, 34])])
    texts = _texts(svg)
    assert "从业人数" in texts  # the visible title
    ticks = [t for t in texts if re.fullmatch(r"-?[\d.]+", t)]
    assert ticks == ["0", "5", "10", "15", "20", "25", "30", "35"]
    tooltips = re.findall(r"<title>([^<]*)</title>", str(svg))
    assert "2026-02 从业人数: 34" in tooltips
    assert not any(re.search(r"\d\.0\b", text) for text in texts + tooltips)


def test_every_label_is_at_least_12_px_and_the_title_is_shown():
    svg = charts.line_chart("营业收入（万元）", [f"2026-{m:02d}" for m in range(1, 13)], [("营业收入", [1.5] * 12)])
    assert min(_font_sizes(svg)) >= 12
    assert "营业收入（万元）" in _texts(svg)


@pytest.mark.parametrize("months", [1, 2, 5, 12, 13, 24, 25, 36, 47])
def test_month_labels_never_overlap_and_the_newest_month_is_shown(months):
    labels = [f"{2023 + m // 12}-{m % 12 + 1:02d}" for m in range(months)]
    svg = str(charts.line_chart("t", labels, [("a", list(range(months)))]))
    placed = [
        (float(x), text)
        for x, text in re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle"[^>]*>(\d{4}-\d{2})<', svg)
    ]
    assert placed[-1][1] == labels[-1]
    width = charts.text_width(labels[0])
    for (x1, _a), (x2, _b) in zip(placed, placed[1:], strict=False):
        assert x2 - x1 >= width, (x1, x2)


def test_long_category_labels_turn_the_bars_horizontal_and_keep_every_label():
    industries = [
        "A 农、林、牧、渔业",
        "B 采矿业",
        "C 制造业",
        "D 电力、热力、燃气及水生产和供应业",
        "E 建筑业",
        "F 批发和零售业",
        "G 交通运输、仓储和邮政业",
        "H 住宿和餐饮业",
        "I 信息传输、软件和信息技术服务业",
    ]
    svg = charts.bar_chart("按行业", industries, [("已认证", list(range(1, 10)))])
    texts = _texts(svg)
    for label in industries:
        assert label in texts
    # Horizontal: labels right-aligned at the left, one row each.
    ys = [float(y) for y in re.findall(r'<text x="[\d.]+" y="([\d.]+)" text-anchor="end"[^>]*>[A-I] ', str(svg))]
    assert len(ys) == len(industries)
    assert all(b - a >= 12 for a, b in zip(ys, ys[1:], strict=False))


def test_short_labels_keep_vertical_bars():
    svg = str(charts.bar_chart("按区县", ["兴庆区", "金凤区", "西夏区"], [("注册", [3, 4, 5])]))
    assert svg.count('text-anchor="middle" font-size="13"') == 3


def test_text_is_escaped():
    svg = str(charts.bar_chart("<b>", ["<x>"], [("<s>", [1])]))
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "<x>" not in svg
