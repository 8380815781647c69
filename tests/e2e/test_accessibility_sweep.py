"""axe-core over the portal, one sweep per role (issue 13): at least 25 pages each, zero
serious or critical violations. One test per role visits all its pages in one browser
page, so the demo data is loaded and the browser started once per role, not per page.
A failure names every page that failed, with the rule ids and the first nodes."""

from io import StringIO

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from accounts.menu import menu_for
from accounts.models import User
from complaints.models import Complaint
from demands.models import Demand, DemandObjection
from notifications.models import Notification
from orders.models import Order
from policies.models import Policy
from portal.models import HelpTopic
from reimbursements.models import Reimbursement
from reviews.models import Review
from scorecards.models import MonthlyRanking
from services.models import Service
from windows.models import Announcement, Window

from .a11y import log_in_browser, report, sweep

pytestmark = pytest.mark.django_db(transaction=True)

MIN_PAGES = 25


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def _first(queryset, n):
    return [obj.get_absolute_url() for obj in queryset[:n]]


def _run(page, live_server, paths):
    paths = list(dict.fromkeys(paths))  # each page once, in order
    assert len(paths) >= MIN_PAGES, f"only {len(paths)} pages to sweep"
    failures = sweep(page, live_server.url, paths)
    assert not failures, f"axe: serious or critical violations on {len(failures)} of {len(paths)} pages:\n" + report(
        failures
    )


def public_paths():
    services = Service.objects.filter(status="listed").order_by("pk")
    institution_ids = services.values_list("institution_id", flat=True).distinct()[:4]
    return [
        reverse("home"),
        reverse("services:list"),
        reverse("services:list") + "?q=法律",
        reverse("services:list") + "?sort=price",
        reverse("services:list") + "?page=2",
        reverse("services:list") + "?price_min=abc",
        *_first(services, 4),
        reverse("services:institutions"),
        reverse("services:institutions") + "?q=律师",
        reverse("services:institutions") + "?sort=score",
        *[reverse("services:institution", args=[pk]) for pk in institution_ids],
        reverse("scorecards:rankings"),
        *_first(MonthlyRanking.objects.published().order_by("pk"), 1),
        reverse("demands:hall"),
        *_first(Demand.objects.filter(status="bidding").order_by("pk"), 2),
        *_first(Window.objects.filter(is_active=True).order_by("pk"), 4),
        reverse("terms"),
        reverse("portal:help"),
        *_first(HelpTopic.objects.published().order_by("sort_order", "pk"), 1),
        reverse("portal:search") + "?q=法律",
        reverse("windows:notices"),
        *_first(Announcement.objects.order_by("pk"), 1),
        reverse("policies:list"),
        reverse("policies:list") + "?q=补贴&open=on",
        *_first(Policy.objects.public().order_by("pk"), 1),
    ]


def test_anonymous_pages(live_server, page, demo):
    paths = public_paths() + [
        reverse("account_login"),
        reverse("accounts:register"),
        reverse("accounts:signup_enterprise"),
        reverse("accounts:signup_institution"),
        reverse("account_reset_password"),
    ]
    _run(page, live_server, paths)


def member_paths(user):
    """The user's 用户中心: every menu entry, and the details of their own records."""
    org = user.organisation
    own_orders = Order.objects.filter(**({"enterprise": org} if user.is_enterprise else {"institution": org}))
    return [
        reverse("accounts:center"),
        *[item["url"] for section in menu_for(user) for item in section["items"]],
        *_first(own_orders.order_by("pk"), 6),
        *_first(Complaint.objects.filter(order__in=own_orders).order_by("pk"), 2),
        *_first(Review.objects.filter(order__in=own_orders).order_by("pk"), 2),
        *[
            reverse("notifications:detail", args=[pk])
            for pk in Notification.objects.filter(recipient=user).values_list("pk", flat=True)[:1]
        ],
    ]


def test_enterprise_pages(live_server, page, demo):
    user = User.objects.get(username="demo_enterprise")
    log_in_browser(page.context, live_server.url, user)
    service = Service.objects.filter(status="listed").order_by("pk").first()
    paths = member_paths(user) + [
        *_first(Demand.objects.filter(enterprise=user.organisation).order_by("pk"), 2),
        service.get_absolute_url(),
        reverse("orders:place", args=[service.pk]),
        reverse("demands:hall"),
        reverse("services:list"),
        *_first(Policy.objects.public().order_by("pk"), 2),
    ]
    _run(page, live_server, paths)


def test_institution_pages(live_server, page, demo):
    user = User.objects.get(username="demo_institution")
    log_in_browser(page.context, live_server.url, user)
    bidding = Demand.objects.filter(status="bidding").order_by("pk").first()
    paths = member_paths(user) + [
        reverse("services:create"),
        *[
            reverse("services:edit", args=[pk])
            for pk in Service.objects.filter(institution=user.organisation).values_list("pk", flat=True)[:1]
        ],
        bidding.get_absolute_url(),
        reverse("demands:hall"),
        # 中标公示 on the demand's page, and 【提出异议】 (demo_institution's bid is not the chosen one).
        *[
            url
            for demand in Demand.objects.filter(status="publicity").order_by("pk")[:1]
            for url in (demand.get_absolute_url(), reverse("demands:objection_raise", args=[demand.pk]))
        ],
    ]
    _run(page, live_server, paths)


def test_admin_pages(live_server, page, demo):
    user = User.objects.get(username="admin")
    log_in_browser(page.context, live_server.url, user)
    changelists = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist") for model in admin.site._registry
    ]
    order = Order.objects.order_by("pk").first()
    paths = [
        reverse("admin:index"),
        *changelists,
        reverse("admin:orders_order_change", args=[order.pk]),
        reverse("admin:services_service_change", args=[Service.objects.order_by("pk").first().pk]),
        reverse("admin:complaints_complaint_change", args=[Complaint.objects.order_by("pk").first().pk]),
        reverse("admin:windows_announcement_add"),
        reverse("admin:reimbursements_reimbursement_change", args=[Reimbursement.objects.order_by("pk").first().pk]),
        reverse("admin:demands_demandobjection_change", args=[DemandObjection.objects.order_by("pk").first().pk]),
        reverse("supervision:dashboard"),
        reverse("supervision:economy"),
        reverse("supervision:survey"),
        reverse("supervision:activity"),
        reverse("supervision:warnings"),
        reverse("supervision:forecast"),
        reverse("supervision:vouchers"),
        reverse("supervision:policies"),
        reverse("admin:policies_policy_change", args=[Policy.objects.order_by("pk").first().pk]),
        reverse("admin:policies_policy_add"),
        reverse("supervision:import"),
        reverse("accounts:center"),
    ]
    _run(page, live_server, paths)
