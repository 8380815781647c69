from urllib.parse import urlencode

from django import template

from services.selectors import shown_windows as _shown_windows

register = template.Library()


@register.filter
def shown_windows(service):
    return _shown_windows(service)


@register.simple_tag
def query_with(request, key, value):
    """The current query string with `key` set to `value` (and back to page 1)."""
    params = {k: v for k, v in request.GET.items() if k not in (key, "page") and v}
    params[key] = value
    return urlencode(params)
