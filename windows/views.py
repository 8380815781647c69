from django.shortcuts import get_object_or_404, render

from smeportal.pagecache import cached_for_anonymous

from .models import Window, WindowKind
from .sections import render_sections


@cached_for_anonymous("home")
def home(request):
    """The site home page: the hub's, with the windows that make up the platform."""
    windows = list(Window.objects.active().order_by("sort_order", "pk"))
    hub = next((w for w in windows if w.kind == WindowKind.HUB), None)
    announcements = hub.announcements.published()[:5] if hub else []
    return render(
        request,
        "windows/home.html",
        {
            "hub": hub,
            "regional_windows": [w for w in windows if w.kind == WindowKind.REGIONAL],
            "industry_windows": [w for w in windows if w.kind == WindowKind.INDUSTRY],
            "announcements": announcements,
            "sections": render_sections(request),
        },
    )


def window_detail(request, slug):
    window = get_object_or_404(Window.objects.active().windows(), slug=slug)
    return render(
        request,
        "windows/detail.html",
        {
            "window": window,
            "announcements": window.announcements.published()[:10],
            "sections": render_sections(request, window),
        },
    )
