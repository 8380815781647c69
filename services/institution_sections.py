"""Sections that higher apps add to an institution's public page (【机构名称】).

The reviews app shows the institution's reviews, the complaints app its upheld
complaints: each registers a section from its AppConfig.ready(), so this app
renders them without importing the apps above it.

    register_institution_section(order=10, template="reviews/_institution_reviews.html",
                                 context=lambda request, institution: {"reviews": ...})
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


@dataclass(frozen=True)
class InstitutionSection:
    order: int
    template: str
    context: Callable


_sections: list[InstitutionSection] = []


def register_institution_section(*, order: int, template: str, context: Callable) -> None:
    if all(existing.template != template for existing in _sections):
        _sections.append(InstitutionSection(order, template, context))


def render_institution_sections(request, institution) -> list[str]:
    rendered = []
    for section in sorted(_sections, key=lambda s: s.order):
        context = {"institution": institution, **section.context(request, institution)}
        html = render_to_string(section.template, context, request=request)
        # Rendered by our own template, which escapes everything it prints.
        rendered.append(mark_safe(html))  # noqa: S308  # nosec B308 B703  # nosemgrep: mark-safe-of-non-literal
    return rendered
