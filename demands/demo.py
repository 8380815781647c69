"""Demo demands of demo_enterprise in each state, with bids from the demo institutions,
so 需求大厅, 我发布的需求 and 我的投标 show something real."""

from datetime import timedelta
from decimal import Decimal

from accounts.models import User
from services.models import ServiceCategory
from windows.models import Window

from . import actions
from .models import Demand, DemandStatus

# (title, category code, budget, description, days to the deadline, bidders (username, price, days), goal)
PLAN = [
    (
        "2026年度财务报表审计",
        "management_consulting-finance_tax",
        (Decimal("8000"), Decimal("20000")),
        "需对2026年度财务报表进行审计并出具审计报告，公司年营业收入约3000万元。",
        10,
        [("inst_tax", "15000", 20), ("demo_institution", "12800", 25)],
        "bidding",
    ),
    (
        "枸杞干果农残与重金属检测",
        "technology_quality-testing",
        (None, Decimal("6000")),
        "五个批次枸杞干果，需检测农药残留与重金属，出具CMA报告。",
        5,
        [("inst_testing", "4800", 7), ("demo_institution", "5200", 5)],
        "choose",  # the deadline has passed: ready for 【选标】
    ),
    (
        "企业官网改版与小程序开发",
        "information-it",
        (Decimal("30000"), Decimal("60000")),
        "官网改版（中英文）与微信小程序产品展示，三个月内上线。",
        7,
        [("inst_it", "45000", 80), ("demo_institution", "52000", 70)],
        "awarded",
    ),
    (
        "厂区安全生产标准化评估",
        "technology_quality-testing",
        (Decimal("8000"), Decimal("15000")),
        "对两个生产车间进行安全生产标准化评估，出具评估报告与整改建议。",
        4,
        [("inst_testing", "9000", 10), ("demo_institution", "9800", 12), ("inst_tax", "12000", 15)],
        "publicity",  # 中标公示 running: inst_tax objected; demo_institution may still object
    ),
    (
        "员工劳动合同与规章制度梳理",
        "legal-contract",
        None,
        "梳理劳动合同模板与员工手册，约120名员工。",
        14,
        [],
        "pending_review",
    ),
    (
        "出口展会参展策划",
        "market_development-exhibition",
        (Decimal("20000"), None),
        "参加2027年广交会的展位设计与参展策划。",
        3,
        [],
        "failed",
    ),
]


def _category(code):
    return (
        ServiceCategory.objects.filter(code=code).first()
        or ServiceCategory.objects.filter(parent__isnull=False).order_by("pk").first()
    )


def load(stdout):
    enterprise = User.objects.get(username="demo_enterprise")
    if Demand.objects.filter(enterprise=enterprise.organisation).exists():
        return []
    from django.utils import timezone

    reviewer = User.objects.filter(is_superuser=True).order_by("pk").first()
    hub = Window.objects.get(slug="yinchuan")
    now = timezone.now()
    for title, code, budget, description, days, bidders, goal in PLAN:
        fields = {
            "title": title,
            "category": _category(code),
            "window": hub,
            "budget_mode": "range" if budget else "negotiable",
            "budget_min": budget[0] if budget else None,
            "budget_max": budget[1] if budget else None,
            "description": description,
            "bid_deadline": now + timedelta(days=days),
            "expected_finish": (now + timedelta(days=days + 60)).date(),
            "contact_name": "张伟",
            "contact_phone": "0951-5012345",
        }
        demand = actions.demand_publish(actor=enterprise, fields=fields)
        if goal == "pending_review" or reviewer is None:
            continue
        actions.demand_approve(demand=demand, actor=reviewer)
        bids = []
        for username, price, duration in bidders:
            institution = User.objects.filter(username=username).first()
            if institution is None:
                continue
            bids.append(
                actions.bid_submit(
                    demand=demand,
                    actor=institution,
                    price=Decimal(price),
                    proposal=f"{institution.organisation.name}组织专业团队承接，按期交付并提供售后支持。",
                    duration_days=duration,
                )
            )
        if goal in ("choose", "awarded", "publicity", "failed"):
            # Time passes: the bid deadline is over.
            Demand.objects.filter(pk=demand.pk).update(bid_deadline=now - timedelta(hours=1))
            demand.refresh_from_db()
        if goal == "awarded" and bids:
            winner = next(
                (b for b in bids if b.institution.users.filter(username="demo_institution").exists()), bids[0]
            )
            demand = actions.demand_award(demand=demand, bid=winner, actor=enterprise)
            if demand.status == DemandStatus.PUBLICITY:
                # The demo's award is an old one: its publicity period has run out, so the order exists.
                actions.demand_publicity_end_due(now=demand.publicity_ends_at)
        elif goal == "publicity" and bids:
            demand = actions.demand_award(demand=demand, bid=bids[0], actor=enterprise)
            objector = next((b for b in bids[1:] if b.institution.users.filter(username="inst_tax").exists()), None)
            if objector is not None and demand.status == DemandStatus.PUBLICITY:
                actions.demand_objection_raise(
                    demand=demand,
                    actor=objector.institution.users.filter(is_active=True).order_by("pk").first(),
                    reason="中标单位的报价明显低于成本，可能无法保证评估质量。",
                )
        elif goal == "failed":
            actions.run_timers(now)
    return []
