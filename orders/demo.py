"""Demo orders of demo_enterprise in each state, so 订单管理 shows something real."""

from accounts.models import User
from services.models import Service, ServiceStatus
from services.selectors import shown_windows
from windows.models import MembershipStatus

from . import actions
from .models import Order

# (part of the service title, quantity, requirements, how far the order goes)
PLAN = [
    ("常年法律顾问", 1, "希望每月提供一次合同审查。", "submitted"),
    ("所得税汇算清缴与税务筹划", 1, "2026年度汇算清缴。", "in_service"),
    ("枸杞农药残留", 3, "三个批次的枸杞干果。", "completed"),
    ("商标注册申请代理", 2, "两件商标：文字与图形。", "checked"),
    ("流动资金贷款融资担保", 1, "拟申请 200 万元流动资金贷款。", "cancelled"),
]


def load(stdout):
    enterprise = User.objects.get(username="demo_enterprise")
    if Order.objects.filter(enterprise=enterprise.organisation).exists():
        return []
    for title, quantity, requirements, goal in PLAN:
        service = (
            Service.objects.filter(status=ServiceStatus.LISTED, title__contains=title)
            .select_related("institution")
            .first()
        )
        if service is None:
            continue
        service.institution.active_memberships = list(
            service.institution.window_memberships.filter(status=MembershipStatus.ACTIVE)
        )
        windows = shown_windows(service)
        if not windows:
            continue
        order = actions.order_place(
            service=service, actor=enterprise, window=windows[0], quantity=quantity, requirements=requirements
        )
        institution_user = service.institution.users.filter(is_active=True).first()
        if goal == "cancelled":
            actions.order_cancel(order=order, actor=enterprise)
            continue
        if goal == "submitted":
            continue
        actions.order_accept(order=order, actor=institution_user)
        if goal == "in_service":
            continue
        actions.order_finish(order=order, actor=enterprise, completed=True)
        if goal == "checked":
            actions.order_check(order=order, actor=enterprise)
    return []
