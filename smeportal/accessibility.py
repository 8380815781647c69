"""Site-wide accessibility aids: the 关怀模式 (大字版) switch and the header's
current-section marking.

关怀模式 follows MIIT's guideline for older users. It is remembered in a cookie,
not the session, so it holds per browser, before logging in and after logging
out, and works without JavaScript: the server adds the class to <html> and <body>.
"""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

CARE_MODE_COOKIE = "care_mode"
CARE_MODE_MAX_AGE = 365 * 24 * 3600

# Header section of each URL namespace (or namespace:name, which wins).
_SECTIONS = {
    "home": "home",
    "services": "services",
    "services:manage": None,
    "services:create": None,
    "services:edit": None,
    "services:institutions": "institutions",
    "services:institution": "institutions",
    "demands:hall": "demands",
    "demands:detail": "demands",
    "windows:detail": "windows",
    "portal:help": "help",
    "policies:list": "policies",
    "policies:detail": "policies",
    "portal:help_topic": "help",
}


def care_mode_enabled(request) -> bool:
    return request.COOKIES.get(CARE_MODE_COOKIE) == "1"


def nav_section(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    if match.view_name in _SECTIONS:
        return _SECTIONS[match.view_name]
    return _SECTIONS.get(match.namespace) if match.namespace else None


def context(request):
    return {"care_mode": care_mode_enabled(request), "nav_section": nav_section(request)}


@require_POST
def care_mode_toggle(request):
    """The header's 关怀模式 button: switch on or off, back to the same page."""
    enable = request.POST.get("enable") == "1"
    target = request.POST.get("next", "")
    hosts = {request.get_host()}
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure())
    if not safe:
        target = "/"
    response = HttpResponseRedirect(target)
    if enable:
        response.set_cookie(
            CARE_MODE_COOKIE,
            "1",
            max_age=CARE_MODE_MAX_AGE,
            samesite="Lax",
            secure=request.is_secure(),
            httponly=True,
        )
    else:
        response.delete_cookie(CARE_MODE_COOKIE, samesite="Lax")
    return response
