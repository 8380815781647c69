"""Demo reviews: both sides of demo_enterprise's accepted orders, with a follow-up, so 评价管理
and the 评分 sort of 找服务 / 找机构 show real figures."""

from accounts.models import User
from orders import actions as order_actions
from orders.models import Order, OrderStatus
from services.models import Service, ServiceStatus
from services.selectors import shown_windows
from windows.models import MembershipStatus

from . import actions
from .models import Review

# Extra orders taken to 已验收 for the reviews: (part of the service title, scores, text)
EXTRA = [
    ("企业常年法律顾问", (5, 5, 5, 4), "律师响应快，合同审查意见具体可操作。"),
    ("知识产权", (4, 4, 5, 4), "流程清楚，进度及时告知，费用透明。"),
]
ENTERPRISE_SCORES = (5, "企业配合积极，资料提供及时，付款按约定完成。")


def _checked_order(enterprise, title):
    service = (
        Service.objects.filter(status=ServiceStatus.LISTED, title__contains=title).select_related("institution").first()
    )
    if service is None:
        return None
    service.institution.active_memberships = list(
        service.institution.window_memberships.filter(status=MembershipStatus.ACTIVE)
    )
    windows = shown_windows(service)
    if not windows:
        return None
    order = order_actions.order_place(
        service=service, actor=enterprise, window=windows[0], quantity=1, requirements="演示订单。"
    )
    institution_user = service.institution.users.filter(is_active=True).first()
    order_actions.order_accept(order=order, actor=institution_user)
    order_actions.order_finish(order=order, actor=enterprise, completed=True)
    return order_actions.order_check(order=order, actor=enterprise)


def load(stdout):
    enterprise = User.objects.get(username="demo_enterprise")
    if Review.objects.filter(author_organisation=enterprise.organisation).exists():
        return []
    orders = list(
        Order.objects.filter(enterprise=enterprise.organisation, status=OrderStatus.CHECKED).select_related(
            "institution"
        )
    )
    plans = [(order, (4, 4, 4, 5), "商标申请材料准备细致，受理通知书很快就拿到了。") for order in orders[:1]]
    for title, scores, text in EXTRA:
        order = _checked_order(enterprise, title)
        if order is not None:
            plans.append((order, scores, text))
    for index, (order, (score, quality, attitude, speed), text) in enumerate(plans):
        review = actions.review_post(
            order=order,
            actor=enterprise,
            score=score,
            quality=quality,
            attitude=attitude,
            speed=speed,
            content=text,
        )
        if index == 0:
            actions.review_follow_up(review=review, actor=enterprise, content="后续的商标续展咨询也很及时，追加好评。")
        institution_user = order.institution.users.filter(is_active=True).first()
        if institution_user is not None and index < 2:
            actions.review_post(
                order=order, actor=institution_user, score=ENTERPRISE_SCORES[0], content=ENTERPRISE_SCORES[1]
            )
    return []
