"""监管看板 → 政策触达 (issue 17): per policy, how many enterprises it targets, how many
were told of it and how many opened it; and the same summed by district.

A window administrator sees the policies of their windows. Counting the targeted
enterprises is one query per policy, so the page takes the latest POLICY_LIMIT.
"""

from django.utils.translation import gettext as _

from accounts.models import District
from policies.models import Policy, PolicyStatus
from policies.selectors import reach

from .dashboard import Filters, Table, _label, _pct
from .permissions import Coverage

POLICY_LIMIT = 100


def _policies(coverage: Coverage, filters: Filters):
    policies = Policy.objects.filter(coverage.window_q(), status__in=[PolicyStatus.PUBLISHED, PolicyStatus.WITHDRAWN])
    if filters.window is not None:
        policies = policies.filter(window=filters.window)
    return policies.select_related("window").defer("body", "search_vector").order_by("-published_at")[:POLICY_LIMIT]


def policy_tables(coverage: Coverage, filters: Filters) -> list[Table]:
    by_policy = Table(
        "policy_reach",
        _("Policy reach"),
        [
            _("title"),
            _("window platform"),
            _("Published at"),
            _("Targeted enterprises"),
            _("Notified"),
            _("Opened"),
            _("Opened (%)"),
        ],
        note=_("Opened: enterprises with a user who opened the policy's page."),
    )
    districts: dict[str, list[int]] = {}
    for policy in _policies(coverage, filters):
        rows = [row for row in reach(policy)["rows"] if not filters.district or row[0] == filters.district]
        targeted, notified, opened = (sum(row[i] for row in rows) for i in (1, 2, 3))
        by_policy.rows.append(
            [
                policy.title,
                policy.window.name,
                policy.published_at.strftime("%Y-%m-%d") if policy.published_at else "",
                targeted,
                notified,
                opened,
                _pct(opened, targeted),
            ]
        )
        for district, *figures in rows:
            totals = districts.setdefault(district, [0, 0, 0])
            for i, value in enumerate(figures):
                totals[i] += value
    by_district = Table(
        "policy_reach_district",
        _("Policy reach by district"),
        [_("District"), _("Targeted enterprises"), _("Notified"), _("Opened"), _("Opened (%)")],
        rows=[
            [_label(District.choices, d), t, n, o, _pct(o, t)]
            for d, (t, n, o) in sorted(districts.items(), key=lambda item: item[0])
        ],
    )
    return [by_policy, by_district]
