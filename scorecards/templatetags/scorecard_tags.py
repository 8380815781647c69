from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def figure_value(kind: str, value, count=None) -> str:
    """A scorecard figure as the page shows it; "—" where there is nothing to measure."""
    if value is None:
        return "—"
    if kind == "share":
        text = f"{value * 100:.1f}%"
    elif kind == "hours":
        text = _("%(hours)s h") % {"hours": value}
    elif kind == "average":
        text = f"{value:.2f}"
    else:
        text = str(value)
    if count is not None and kind != "count":
        text += " " + _("(n=%(count)s)") % {"count": count}
    return text
