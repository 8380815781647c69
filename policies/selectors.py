from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from certification.choices import ApplicationStatus
from services.selectors import public_services
from smeportal.search import keyword_filter

from .matching import Profile, fitting
from .models import Policy, PolicyReader


def targeted_enterprises(policy: Policy):
    """The enterprises a policy's targeting fits (policies.matching, in SQL)."""
    enterprises = Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE)
    if policy.certification_required or policy.target_industries or policy.target_scales:
        enterprises = enterprises.filter(is_certified=True)
    if policy.target_districts:
        enterprises = enterprises.filter(district__in=policy.target_districts)
    approved = {"certification_applications__status": ApplicationStatus.APPROVED}
    if policy.target_industries:
        enterprises = enterprises.filter(**approved, certification_applications__industry__in=policy.target_industries)
    if policy.target_scales:
        enterprises = enterprises.filter(**approved, certification_applications__scale__in=policy.target_scales)
    return enterprises.distinct()


def search_policies(data: dict):
    """The public list: filters of the list form (all optional), newest first."""
    policies = Policy.objects.public().select_related("window").defer("search_vector", "body")
    condition = keyword_filter(
        data.get("q", ""), vector_fields=["search_vector"], text_fields=["title", "issuing_body", "body"]
    )
    if condition is not None:
        policies = policies.filter(condition)
    if data.get("category"):
        policies = policies.filter(category=data["category"])
    if data.get("window"):
        policies = policies.filter(window__slug=data["window"])
    if data.get("issuing_body"):
        policies = policies.filter(issuing_body__icontains=data["issuing_body"])
    if data.get("year"):
        policies = policies.filter(published_at__year=data["year"])
    if data.get("open"):
        policies = policies.filter(application_deadline__gte=timezone.localdate())
    return policies.order_by("-published_at", "-pk")


def newest_policies(*, limit: int, window=None) -> list:
    """The home page's and a window page's newest policies (all windows' on the home page)."""
    policies = Policy.objects.public().defer("search_vector", "body")
    if window is not None:
        policies = policies.filter(window=window)
    return list(policies.order_by("-published_at", "-pk")[:limit])


def policy_for_public(pk: int) -> Policy | None:
    return Policy.objects.public().select_related("window").prefetch_related("attachments").filter(pk=pk).first()


def related_services(policy: Policy, limit: int = 6) -> list:
    categories = list(policy.related_categories.values_list("pk", flat=True))
    if not categories:
        return []
    return list(
        public_services()
        .filter(Q(category_id__in=categories) | Q(category__parent_id__in=categories))
        .select_related("institution")
        .order_by("-pk")[:limit]
    )


def policies_fitting(organisation) -> list:
    """适合我的政策: the public policies still valid that fit the enterprise, best first."""
    today = timezone.localdate()
    policies = (
        Policy.objects.public()
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("window")
        .defer("search_vector", "body")
    )
    return fitting(policies, Profile.of(organisation))


def readings_of(user) -> dict:
    """{policy id: PolicyReader} of a user: read and saved marks."""
    return {r.policy_id: r for r in PolicyReader.objects.filter(user=user)}


def saved_policies(user) -> list:
    """收藏: the public policies the user saved, newest first."""
    return list(
        Policy.objects.public()
        .filter(readers__user=user, readers__favourite=True)
        .defer("search_vector", "body")
        .order_by("-published_at")
    )


def reach(policy: Policy) -> dict:
    """How many targeted enterprises exist, were told and opened it, in all and by district."""
    targeted = dict(
        targeted_enterprises(policy).values_list("district").annotate(n=Count("pk", distinct=True)).order_by()
    )
    readers = PolicyReader.objects.filter(policy=policy)
    notified = dict(
        readers.filter(notified_at__isnull=False)
        .values_list("organisation__district")
        .annotate(n=Count("organisation", distinct=True))
        .order_by()
    )
    opened = dict(
        readers.filter(read_at__isnull=False)
        .values_list("organisation__district")
        .annotate(n=Count("organisation", distinct=True))
        .order_by()
    )
    districts = sorted(set(targeted) | set(notified) | set(opened))
    rows = [(d, targeted.get(d, 0), notified.get(d, 0), opened.get(d, 0)) for d in districts]
    return {
        "rows": rows,
        "targeted": sum(r[1] for r in rows),
        "notified": sum(r[2] for r in rows),
        "opened": sum(r[3] for r in rows),
    }
