"""An order won on a demand follows the whole order lifecycle: 服务完成, 验收, 投诉, 评价."""

import pytest
from django.urls import reverse

from complaints.actions import complaint_file
from complaints.models import ComplaintType
from orders.actions import order_check, order_finish
from orders.models import OrderStatus
from reviews.actions import review_post
from tests.factories import demand_in_state, organisation_user

pytestmark = pytest.mark.django_db


def test_an_order_won_on_a_demand_goes_to_acceptance_complaint_and_review(client):
    demand = demand_in_state("awarded", bids=2)
    order = demand.order
    enterprise = demand.created_by
    institution = organisation_user(order.institution)
    assert order.service is None and order.status == OrderStatus.IN_SERVICE

    complaint = complaint_file(
        order=order, actor=enterprise, complaint_type=ComplaintType.QUALITY, reason="进度明显滞后于投标承诺。"
    )
    assert complaint.order == order
    order_finish(order=order, actor=enterprise, completed=True)
    order_check(order=order, actor=enterprise)
    order.refresh_from_db()
    assert order.status == OrderStatus.CHECKED

    review_post(order=order, actor=enterprise, score=4, quality=4, attitude=5, speed=3, content="整体满意。")
    review_post(order=order, actor=institution, score=5, content="需求清晰，配合良好。")
    order.institution.refresh_from_db()
    assert order.institution.rating_count == 1

    for user in (enterprise, institution):
        client.force_login(user)
        page = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
        assert demand.title in page  # the order page links back to the demand
        assert reverse("demands:detail", args=[demand.pk]) in page
