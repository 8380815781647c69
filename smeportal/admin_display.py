"""Changelist columns that fit a 1366 px screen: long texts cut short, the full text on hover.

An order's service title or a complaint's institution can run to 40 characters;
wrapped over four or five lines they push 状态 and 下单时间 off the screen.
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.text import Truncator


def short_text(text, length: int = 16):
    """`text` cut to `length` characters, with the whole of it in a title attribute."""
    text = "" if text is None else str(text)
    if len(text) <= length:
        return text
    return format_html('<span title="{}">{}</span>', text, Truncator(text).chars(length))


def truncated(path: str, description, length: int = 16, ordering: str | None = None):
    """A list_display column showing the attribute at `path` (a__b for related rows) cut short."""

    @admin.display(description=description, ordering=ordering or path)
    def column(obj):
        value = obj
        for part in path.split("__"):
            value = getattr(value, part, None) if value is not None else None
        return short_text(value, length)

    column.__name__ = f"{path}_short"
    return column
