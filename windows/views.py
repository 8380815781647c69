from django.shortcuts import get_object_or_404, render

from smeportal.forms import valid_filters
from smeportal.pagecache import cached_for_anonymous
from smeportal.pagination import CappedPaginator, query_without_page

from .forms import NoticeSearchForm
from .models import Announcement, Window, WindowKind
from .sections import render_sections
from .selectors import search_notices

NOTICES_PER_PAGE = 20


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


def _notice_list(request, window=None):
    form = NoticeSearchForm(request.GET or None, with_window=window is None)
    data = valid_filters(form)
    if window is None and data.get("window"):
        window = get_object_or_404(Window.objects.active(), slug=data["window"])
    notices = search_notices(data.get("q", "").strip(), window)
    page = CappedPaginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page"))
    return page, form


def notice_list(request):
    """通知公告 of the whole platform (the hub's and every window's), searchable."""
    page, form = _notice_list(request)
    return render(request, "windows/notices.html", {"form": form, "page": page, "query": query_without_page(request)})


def window_notice_list(request, slug):
    """通知公告 of one window."""
    window = get_object_or_404(Window.objects.active().windows(), slug=slug)
    page, form = _notice_list(request, window)
    return render(
        request,
        "windows/notices.html",
        {"form": form, "page": page, "query": query_without_page(request), "window": window},
    )


def notice_detail(request, pk):
    notice = get_object_or_404(Announcement.objects.public().select_related("window").defer("search_vector"), pk=pk)
    return render(request, "windows/notice_detail.html", {"notice": notice})
