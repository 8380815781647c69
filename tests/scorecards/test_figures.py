"""Each scorecard figure on a crafted history, built through the real actions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from demands.actions import bid_withdraw
from demands.models import Demand
from orders.actions import order_check, order_finish, order_reject_check
from orders.models import OrderEvent
from reviews.actions import review_hide
from scorecards.actions import scorecard_recompute
from scorecards.figures import institution_figures
from tests.complaints.helpers import complaint_in_state
from tests.factories import (
    HubAdminFactory,
    award_to_order,
    bidder,
    certified_enterprise,
    demand_in_state,
    pass_bid_deadline,
    place_bid,
)
from tests.reviews.helpers import review_by

from .helpers import days_ago, institution_and_service, place, set_clock

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.SCORECARD_SERVICE_DAYS = 30


def _redo_and_check(order):
    """The enterprise rejects the first check; the work is confirmed again and accepted."""
    enterprise = order.placed_by
    order_reject_check(order=order, actor=enterprise, reason="报告缺少签章。")
    order_finish(order=order, actor=enterprise, completed=True)
    order_check(order=order, actor=enterprise)


@pytest.fixture
def history():
    """Five orders of one institution from three enterprises:

    fast (e1): accepted 2 h after placing, done in 5 days, accepted as done at once;
    slow (e1): accepted 10 h after placing, rejected at the check, confirmed again 40 days
               after acceptance (late), then accepted;
    declined (e2), expired (e3), cancelled by the enterprise (e3, never answered).
    """
    institution, service = institution_and_service()
    e1, e2, e3 = certified_enterprise(), certified_enterprise(), certified_enterprise()
    start = days_ago(60)
    fast = place(service, "checked", e1)
    set_clock(
        fast,
        placed_at=start,
        **{OrderEvent.ACCEPTED: start + timedelta(hours=2), OrderEvent.FINISHED: start + timedelta(days=5)},
    )
    slow = place(service, "completed", e1)
    _redo_and_check(slow)
    set_clock(
        slow,
        placed_at=start,
        **{OrderEvent.ACCEPTED: start + timedelta(hours=10), OrderEvent.FINISHED: start + timedelta(days=40)},
    )
    place(service, "declined", e2)
    place(service, "expired", e3)
    place(service, "cancelled", e3)
    return {"institution": institution.organisation, "fast": fast, "slow": slow, "enterprises": (e1, e2, e3)}


def test_order_figures_of_a_crafted_history(history):
    recent = institution_figures(history["institution"], timezone.now())["recent"]
    assert recent["orders"] == 5
    # Answered: fast and slow accepted, one declined, one expired; the cancelled one never was.
    assert recent["decided"] == 4
    assert (recent["accepted_share"], recent["declined_share"], recent["expired_share"]) == (0.5, 0.25, 0.25)
    assert recent["median_accept_hours"] == 6.0  # median of 2 h and 10 h
    assert (recent["finished"], recent["on_time_share"]) == (2, 0.5)  # slow came after 40 > 30 days
    assert (recent["checked"], recent["first_try_share"]) == (2, 0.5)  # slow was rejected once
    # e1 and e3 ordered twice, e2 once.
    assert (recent["enterprises"], recent["repeat_customer_share"]) == (3, 0.6667)


def test_an_order_from_a_won_bid_is_on_time_against_the_demands_expected_date(settings):
    demand = demand_in_state("awarded")
    order = demand.order
    enterprise = demand.created_by
    # The expected completion passed two days before the work was confirmed.
    Demand.objects.filter(pk=demand.pk).update(expected_finish=(timezone.localdate() - timedelta(days=2)))
    order_finish(order=order, actor=enterprise, completed=True)
    late = institution_figures(order.institution, timezone.now())["recent"]
    assert (late["finished"], late["on_time_share"]) == (1, 0.0)
    # Started in service from the bid: nothing to accept, so no time to accept.
    assert (late["accepted"], late["median_accept_hours"], late["decided"]) == (0, None, 0)

    Demand.objects.filter(pk=demand.pk).update(expected_finish=timezone.localdate())
    on_time = institution_figures(order.institution, timezone.now())["recent"]
    assert on_time["on_time_share"] == 1.0


def test_complaints_per_hundred_orders_and_share_upheld():
    institution, service = institution_and_service()
    orders = [place(service, "in_service") for _ in range(4)]
    complaint_in_state("closed", order=orders[0], result="upheld")
    complaint_in_state("closed", order=orders[1], result="rejected")
    complaint_in_state("submitted", order=orders[2])  # open: counted, not yet ruled
    figures = institution_figures(institution.organisation, timezone.now())["recent"]
    assert figures["complaints"] == 3
    assert figures["complaints_per_100"] == 75.0
    assert (figures["complaints_closed"], figures["complaints_upheld"], figures["upheld_share"]) == (2, 1, 0.5)


def test_review_averages_per_dimension_with_their_count_leave_hidden_and_institution_written_ones_out():
    institution, service = institution_and_service()
    first, second, third = (place(service, "checked") for _ in range(3))
    review_by(first, score=5, dims=(5, 4, 3))
    review_by(second, score=3, dims=(3, 2, 1))
    hidden = review_by(third, score=1, dims=(1, 1, 1))
    review_hide(review=hidden, actor=HubAdminFactory(), reason="辱骂性内容。")
    review_by(first, side="institution", score=1)  # of the enterprise, not of the institution
    figures = institution_figures(institution.organisation, timezone.now())["recent"]
    assert (figures["review_score_avg"], figures["review_score_count"]) == (4.0, 2)
    assert (figures["review_quality_avg"], figures["review_attitude_avg"], figures["review_speed_avg"]) == (
        4.0,
        3.0,
        2.0,
    )
    assert figures["review_quality_count"] == 2


def test_bids_won_of_bids_submitted_leave_withdrawn_bids_out():
    institution = bidder()
    won = demand_in_state("bidding")
    won_bid = place_bid(won, institution)
    pass_bid_deadline(won)
    award_to_order(won, won_bid, won.created_by)  # through 中标公示 where the window runs it
    lost = demand_in_state("bidding")
    place_bid(lost, institution)
    withdrawn = demand_in_state("bidding")
    bid_withdraw(bid=place_bid(withdrawn, institution), actor=institution)
    figures = institution_figures(institution.organisation, timezone.now())["recent"]
    assert (figures["bids_submitted"], figures["bids_won"], figures["bids_won_share"]) == (2, 1, 0.5)


def test_the_last_twelve_months_leave_older_orders_out_and_all_time_keeps_them():
    institution, service = institution_and_service()
    old = place(service, "declined")
    set_clock(old, placed_at=days_ago(400), **{OrderEvent.DECLINED: days_ago(400)})
    place(service, "in_service")
    figures = institution_figures(institution.organisation, timezone.now())
    assert (figures["recent"]["orders"], figures["recent"]["accepted_share"]) == (1, 1.0)
    assert (figures["all_time"]["orders"], figures["all_time"]["accepted_share"]) == (2, 0.5)


def test_stored_scorecard_has_both_periods_and_no_score_below_the_minimum_sample(settings, history):
    settings.SCORECARD_MIN_ORDERS = 6
    scorecard = scorecard_recompute(institution=history["institution"], now=timezone.now())
    assert scorecard.recent_order_count == 5
    assert scorecard.composite_score is None  # 5 orders < 6: 样本不足
    assert scorecard.all_time["orders"] == 5


def test_composite_score_follows_the_stated_formula(settings, history):
    settings.SCORECARD_MIN_ORDERS = 5
    review_by(history["fast"], score=5, dims=(5, 5, 5))
    scorecard = scorecard_recompute(institution=history["institution"], now=timezone.now())
    # 20×0.5 (accepted) + 20×0.5 (on time) + 20×0.5 (first try) + 25×(5−1)/4 + 15×(1 − 0/5), over 100.
    assert str(scorecard.composite_score) == "70.0"


def test_parts_without_data_leave_the_formula_and_the_weights_rescale(settings):
    settings.SCORECARD_MIN_ORDERS = 5
    institution, service = institution_and_service()
    for _ in range(5):
        place(service, "in_service")  # all accepted; none finished, checked or reviewed yet
    scorecard = scorecard_recompute(institution=institution.organisation, now=timezone.now())
    # Only acceptance (1.0, weight 20) and no upheld complaint (1.0, weight 15) have data.
    assert str(scorecard.composite_score) == "100.0"
