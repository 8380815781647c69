"""Reads of the catalogue: 找服务, 找机构, service and institution pages, window pages.

Every list is one query for its rows plus a fixed number of prefetches, so the
number of queries does not grow with the rows shown.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Organisation, OrganisationKind
from certification.choices import ApplicationStatus
from certification.models import CertificationApplication
from smeportal.search import LiteralTsQuery, keyword_filter, query_terms, tsquery_text
from windows.models import MembershipStatus, Window, WindowMembership

from .models import Service, ServiceCategory, ServiceStatus

# Listed services always have listed_at; plain "-listed_at" lets the
# (status, listed_at DESC, id DESC) index deliver the newest first.
SERVICE_SORTS = {
    "newest": ["-listed_at", "-pk"],
    "price": [F("price").asc(nulls_last=True), "-pk"],
    "rating": [F("institution__rating_avg").desc(nulls_last=True), "-institution__rating_count", "-pk"],
    "orders": ["-order_count", "-pk"],
}
INSTITUTION_SORTS = {
    # 综合评分: institutions without a score (样本不足, or never computed) last.
    "score": [F("scorecard__composite_score").desc(nulls_last=True), "-pk"],
    "rating": [F("rating_avg").desc(nulls_last=True), "-rating_count", "-pk"],
    "services": ["-listed_service_count", "-pk"],
    "newest": [F("certified_at").desc(nulls_last=True), "-pk"],
}


def _decimal(value):
    try:
        return Decimal(value) if value not in (None, "") else None
    except InvalidOperation:
        return None


@dataclass
class ServiceFilters:
    category: str = ""  # a category code, top level or sub-category
    window: str = ""  # a window slug
    district: str = ""
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    negotiable: bool = False
    institution: int | None = None
    keyword: str = ""
    sort: str = "newest"

    @classmethod
    def from_form(cls, data: dict) -> "ServiceFilters":
        return cls(
            category=data.get("category") or "",
            window=data.get("window") or "",
            district=data.get("district") or "",
            price_min=_decimal(data.get("price_min")),
            price_max=_decimal(data.get("price_max")),
            negotiable=bool(data.get("negotiable")),
            institution=data.get("institution") or None,
            keyword=(data.get("q") or "").strip(),
            sort=data.get("sort") or "newest",
        )


def _active_membership(window_filter: dict):
    return WindowMembership.objects.filter(
        organisation=OuterRef("institution"), status=MembershipStatus.ACTIVE, **window_filter
    )


def public_services():
    """Listed services of certified institutions that are active members of one of
    the service's windows: what the public may see."""
    return Service.objects.filter(
        status=ServiceStatus.LISTED,
        institution__is_certified=True,
    ).filter(Exists(_active_membership({"window__services": OuterRef("pk")})))


def _with_card_data(queryset):
    """What a result card shows, fetched in a fixed number of queries (and
    without the wide search columns)."""
    return (
        queryset.select_related("institution", "category__parent")
        .defer("search_vector", "content", "process", "institution__search_vector")
        .prefetch_related(
            "windows",
            Prefetch(
                "institution__window_memberships",
                queryset=WindowMembership.objects.filter(status=MembershipStatus.ACTIVE),
                to_attr="active_memberships",
            ),
        )
    )


def shown_windows(service) -> list[Window]:
    """The service's windows in which its institution is (still) an active member."""
    active = {m.window_id for m in getattr(service.institution, "active_memberships", [])}
    return [window for window in service.windows.all() if window.pk in active]


def _keyword(queryset, keyword: str):
    """Every term must match the service's text or its institution's name."""
    if connection.vendor != "postgresql":
        condition = keyword_filter(
            keyword,
            vector_fields=[],
            text_fields=["title", "summary", "category__name", "category__parent__name", "institution__name"],
        )
        return queryset if condition is None else queryset.filter(condition)
    for term in query_terms(keyword):
        tsquery = LiteralTsQuery(tsquery_text(term))
        # The institution's name has its own index. Its matches are fetched as
        # ids first: an IN (subquery) would keep the service index out of the plan.
        institution_ids = list(Organisation.objects.filter(search_vector=tsquery).values_list("pk", flat=True)[:1000])
        queryset = queryset.filter(Q(search_vector=tsquery) | Q(institution_id__in=institution_ids))
    return queryset


def search_services(filters: ServiceFilters):
    queryset = public_services()
    if filters.category:
        # Resolve the code to category ids first: an OR across two joins is one
        # no index can serve.
        ids = ServiceCategory.objects.filter(Q(code=filters.category) | Q(parent__code=filters.category)).values_list(
            "pk", flat=True
        )
        queryset = queryset.filter(category_id__in=list(ids))
    if filters.window:
        queryset = queryset.filter(windows__slug=filters.window).filter(
            Exists(_active_membership({"window__slug": filters.window}))
        )
    if filters.district:
        queryset = queryset.filter(institution__district=filters.district)
    if filters.negotiable:
        queryset = queryset.filter(price_mode="negotiable")
    if filters.price_min is not None:
        queryset = queryset.filter(price__gte=filters.price_min)
    if filters.price_max is not None:
        queryset = queryset.filter(price__lte=filters.price_max)
    if filters.institution:
        queryset = queryset.filter(institution_id=filters.institution)
    queryset = _keyword(queryset, filters.keyword)
    return _with_card_data(queryset).order_by(*SERVICE_SORTS.get(filters.sort, SERVICE_SORTS["newest"]))


def newest_services(limit: int = 8, window: Window | None = None):
    queryset = public_services()
    if window is not None:
        queryset = queryset.filter(windows=window).filter(Exists(_active_membership({"window": window})))
    return list(_with_card_data(queryset).order_by("-listed_at", "-pk")[:limit])


def category_tree():
    """Visible top-level categories with their visible sub-categories."""
    return list(
        ServiceCategory.objects.visible()
        .top_level()
        .prefetch_related(Prefetch("children", queryset=ServiceCategory.objects.visible(), to_attr="visible_children"))
    )


def service_for_public(pk: int):
    """A service page: listed and visible, or None."""
    return _with_card_data(public_services()).filter(pk=pk).prefetch_related("images").first()


def own_service_preview(pk: int, institution_id: int):
    """An institution's own service in any state, for its preview."""
    return _with_card_data(Service.objects.filter(pk=pk, institution_id=institution_id)).first()


def other_services_of(service, limit: int = 6):
    return list(public_services().filter(institution_id=service.institution_id).exclude(pk=service.pk)[:limit])


# 找机构 --------------------------------------------------------------------------


@dataclass
class InstitutionFilters:
    domain: str = ""  # a service domain code
    district: str = ""
    window: str = ""  # a window slug
    keyword: str = ""
    sort: str = "rating"

    @classmethod
    def from_form(cls, data: dict) -> "InstitutionFilters":
        return cls(
            domain=data.get("domain") or "",
            district=data.get("district") or "",
            window=data.get("window") or "",
            keyword=(data.get("q") or "").strip(),
            sort=data.get("sort") or "rating",
        )


def _approved_profiles():
    return CertificationApplication.objects.filter(status=ApplicationStatus.APPROVED).prefetch_related(
        "service_domains"
    )


def public_institutions():
    return Organisation.objects.filter(kind=OrganisationKind.INSTITUTION, is_certified=True)


def search_institutions(filters: InstitutionFilters):
    queryset = public_institutions()
    if filters.domain:
        queryset = queryset.filter(
            Exists(
                CertificationApplication.objects.filter(
                    organisation=OuterRef("pk"),
                    status=ApplicationStatus.APPROVED,
                    service_domains__code=filters.domain,
                )
            )
        )
    if filters.district:
        queryset = queryset.filter(district=filters.district)
    if filters.window:
        queryset = queryset.filter(
            Exists(
                WindowMembership.objects.filter(
                    organisation=OuterRef("pk"), status=MembershipStatus.ACTIVE, window__slug=filters.window
                )
            )
        )
    condition = keyword_filter(filters.keyword, vector_fields=["search_vector"], text_fields=["name"])
    if condition is not None:
        queryset = queryset.filter(condition)
    if filters.sort == "services":
        # Only this sort needs the count per row; pages get theirs from attach_service_counts.
        queryset = queryset.annotate(listed_service_count=Coalesce(Subquery(_public_count_by_institution()), 0))
    return (
        # The scorecard comes in the same query (a one-to-one join): the page shows its 综合评分.
        queryset.select_related("scorecard")
        .defer("search_vector")
        .prefetch_related(
            Prefetch("certification_applications", queryset=_approved_profiles(), to_attr="approved_profiles"),
            Prefetch(
                "window_memberships",
                queryset=WindowMembership.objects.filter(status=MembershipStatus.ACTIVE).select_related("window"),
                to_attr="active_memberships",
            ),
        )
        .order_by(*INSTITUTION_SORTS.get(filters.sort, INSTITUTION_SORTS["rating"]))
    )


def _public_count_by_institution():
    return (
        public_services()
        .filter(institution=OuterRef("pk"))
        .order_by()
        .values("institution")
        .annotate(n=Count("pk"))
        .values("n")
    )


def attach_service_counts(institutions) -> None:
    """Set `listed_service_count` (the services the public sees) on each institution of a page, in one query."""
    institutions = list(institutions)
    counts = dict(
        public_services()
        .filter(institution__in=institutions)
        .values_list("institution_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for institution in institutions:
        institution.listed_service_count = counts.get(institution.pk, 0)


def institution_for_public(pk: int):
    """An institution page: certified institutions only, with the approved profile."""
    return (
        public_institutions()
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("certification_applications", queryset=_approved_profiles(), to_attr="approved_profiles"),
            Prefetch(
                "window_memberships",
                queryset=WindowMembership.objects.filter(status=MembershipStatus.ACTIVE).select_related("window"),
                to_attr="active_memberships",
            ),
        )
        .first()
    )


def member_institutions(window: Window, limit: int = 12):
    return list(
        public_institutions()
        .filter(window_memberships__window=window, window_memberships__status=MembershipStatus.ACTIVE)
        .order_by(F("rating_avg").desc(nulls_last=True), "name")[:limit]
    )


def my_services(institution):
    """服务管理: the institution's services, newest versions first, superseded ones left out."""
    return (
        Service.objects.filter(institution=institution)
        .exclude(status=ServiceStatus.SUPERSEDED)
        .select_related("category__parent", "replaces")
        .prefetch_related("windows")
        .order_by("-updated_at", "-pk")
    )
