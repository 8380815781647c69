"""Sections that higher apps add to the home page and to each window's page.

The catalogue lists a window's services and member institutions, the demands
app its open demands: each registers a section from its AppConfig.ready(), so
this lower app renders them without importing the apps above it.

    register_window_section(order=10, template="services/_window_services.html",
                            context=lambda request, window: {"services": ...})

`window` is None for the home page (the hub).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class Section:
    order: int
    template: str
    context: Callable
    on_home: bool
    on_window: bool


_sections: list[Section] = []


def register_section(*, order: int, template: str, context: Callable, on_home=True, on_window=True) -> None:
    section = Section(order, template, context, on_home, on_window)
    if all(existing.template != template for existing in _sections):
        _sections.append(section)


def render_sections(request, window=None) -> list[str]:
    """The registered sections for the home page (window None) or a window page."""
    rendered = []
    for section in sorted(_sections, key=lambda s: s.order):
        if (window is None and not section.on_home) or (window is not None and not section.on_window):
            continue
        context = {"window": window, **section.context(request, window)}
        html = render_to_string(section.template, context, request=request)
        # Rendered by our own template, which escapes everything it prints.
        rendered.append(mark_safe(html))  # noqa: S308  # nosec B308 B703  # nosemgrep: mark-safe-of-non-literal
    return rendered
