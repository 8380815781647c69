"""Reads of the portal: the cached site information, help pages, the site search."""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from demands.selectors import HallFilters, search_hall
from policies.selectors import search_policies
from services.selectors import InstitutionFilters, ServiceFilters, search_institutions, search_services
from windows.selectors import search_notices

from .models import SiteSettings

SITE_SETTINGS_CACHE_KEY = "portal:site-settings:v1"
SITE_SETTINGS_TIMEOUT = 60 * 60  # actions.site_settings_save clears it at once anyway


def site_settings() -> SiteSettings:
    """The site information, from the cache: no query on most pages."""
    settings = cache.get(SITE_SETTINGS_CACHE_KEY)
    if settings is None:
        settings = SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)
        cache.set(SITE_SETTINGS_CACHE_KEY, settings, SITE_SETTINGS_TIMEOUT)
    return settings


SEARCH_PREVIEW = 5  # rows shown per kind
SEARCH_COUNT_CAP = 1000  # counts stop here, as the lists' own pagination does


@dataclass
class SearchGroup:
    key: str
    title: str
    more_url: str
    rows: list = field(default_factory=list)
    count: int = 0

    @property
    def is_capped(self) -> bool:
        return self.count > SEARCH_COUNT_CAP


def _group(key, title, url_name, queryset, keyword) -> SearchGroup:
    # COUNT over a LIMITed subquery, like CappedPaginator: the database stops at the cap.
    count = min(queryset[: SEARCH_COUNT_CAP + 1].count(), SEARCH_COUNT_CAP + 1)
    rows = list(queryset[:SEARCH_PREVIEW]) if count else []
    return SearchGroup(key, title, f"{reverse(url_name)}?{urlencode({'q': keyword})}", rows, count)


def site_search(keyword: str) -> list[SearchGroup]:
    """Public services, institutions, open demands, notices and policies matching `keyword`,
    each kind with its count and a link to its own list searched the same way.

    Each kind uses its list's own selector, so the results and counts are the
    ones 找服务, 找机构, 需求大厅, 通知公告 and 政策法规 show (same bigram index on
    PostgreSQL). Two queries per kind with matches, at most ten in all.
    """
    keyword = keyword.strip()
    if not keyword:
        return []
    return [
        _group(
            "services",
            _("Services"),
            "services:list",
            search_services(ServiceFilters(keyword=keyword)).prefetch_related(None),
            keyword,
        ),
        _group(
            "institutions",
            _("Institutions"),
            "services:institutions",
            search_institutions(InstitutionFilters(keyword=keyword)).prefetch_related(None),
            keyword,
        ),
        _group("demands", _("Service demands"), "demands:hall", search_hall(HallFilters(keyword=keyword)), keyword),
        _group("notices", _("Announcements"), "windows:notices", search_notices(keyword), keyword),
        _group("policies", _("Policies and regulations"), "policies:list", search_policies({"q": keyword}), keyword),
    ]
