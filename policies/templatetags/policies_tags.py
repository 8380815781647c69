from django import template
from django.utils.safestring import mark_safe

from policies.sanitise import clean_html

register = template.Library()


@register.filter
def sanitised_html(text: str) -> str:
    """A policy's rich text for the page. It was sanitised when saved; cleaning it again
    here (nh3 is fast) keeps the page safe from a row written any other way."""
    return mark_safe(clean_html(text))  # noqa: S308  # nosec B308 B703  # nosemgrep: mark-safe-of-non-literal
