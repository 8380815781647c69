"""Review rules: once per side, one follow-up by the author, only the parties, only after 已验收; hiding; figures."""

from decimal import Decimal

import pytest

from accounts.models import Organisation
from notifications.models import Notification
from reviews.actions import review_follow_up, review_hide, review_post, review_show
from reviews.models import Review, ReviewLog
from smeportal.errors import ActionRefused
from tests.complaints.helpers import complaint_in_state
from tests.factories import (
    EnterpriseUserFactory,
    HubAdminFactory,
    InstitutionUserFactory,
    make_window_admin,
    order_in_state,
    organisation_user,
)
from tests.reviews.helpers import review_by

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("state", ["submitted", "in_service", "completed", "cancelled", "declined", "expired"])
@pytest.mark.parametrize("side", ["enterprise", "institution"])
def test_only_accepted_orders_are_reviewed(state, side):
    order = order_in_state(state)
    with pytest.raises(ActionRefused):
        review_by(order, side)
    assert not Review.objects.exists()


def test_each_side_reviews_the_other_once():
    order = order_in_state("checked")
    of_institution = review_by(order, "enterprise", score=4, dims=(4, 5, 3))
    of_enterprise = review_by(order, "institution", score=5)
    assert (of_institution.subject, of_institution.author_organisation) == (order.institution, order.enterprise)
    assert (of_institution.quality, of_institution.attitude, of_institution.speed) == (4, 5, 3)
    assert (of_enterprise.subject, of_enterprise.author_organisation) == (order.enterprise, order.institution)
    assert (of_enterprise.quality, of_enterprise.attitude, of_enterprise.speed) == (None, None, None)
    for side in ("enterprise", "institution"):
        with pytest.raises(ActionRefused):
            review_by(order, side)
    # Another user of the same enterprise is the same side.
    colleague = EnterpriseUserFactory(organisation=order.enterprise)
    with pytest.raises(ActionRefused):
        review_post(order=order, actor=colleague, score=1, quality=1, attitude=1, speed=1, content="差评")
    assert Review.objects.count() == 2
    assert ReviewLog.objects.filter(event="posted").count() == 2
    assert Notification.objects.filter(
        recipient=organisation_user(order.institution), url=of_institution.get_absolute_url()
    )


@pytest.mark.parametrize("who", ["stranger_enterprise", "stranger_institution", "hub_admin", "window_admin"])
def test_only_the_parties_review(who):
    order = order_in_state("checked")
    actor = {
        "stranger_enterprise": EnterpriseUserFactory(),
        "stranger_institution": InstitutionUserFactory(),
        "hub_admin": HubAdminFactory(),
        "window_admin": make_window_admin("yinchuan"),
    }[who]
    with pytest.raises(ActionRefused):
        review_post(order=order, actor=actor, score=5, quality=5, attitude=5, speed=5, content="好")
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("score", "dims", "content", "field"),
    [
        (0, (5, 5, 5), "好", "score"),
        (6, (5, 5, 5), "好", "score"),
        (5, (None, 5, 5), "好", "quality"),
        (5, (5, 9, 5), "好", "attitude"),
        (5, (5, 5, 0), "好", "speed"),
        (5, (5, 5, 5), "  ", "content"),
    ],
)
def test_scores_are_1_to_5_with_the_three_dimensions_for_institutions(score, dims, content, field):
    order = order_in_state("checked")
    with pytest.raises(ActionRefused) as refused:
        review_by(order, "enterprise", score=score, dims=dims, content=content)
    assert field in refused.value.field_errors
    assert not Review.objects.exists()


def test_one_follow_up_by_the_author_after_the_review():
    order = order_in_state("checked")
    review = review_by(order, "enterprise")
    institution_user = organisation_user(order.institution)
    with pytest.raises(ActionRefused):
        review_follow_up(review=review, actor=institution_user, content="我来追加")
    with pytest.raises(ActionRefused):
        review_follow_up(review=review, actor=EnterpriseUserFactory(), content="路人")
    with pytest.raises(ActionRefused):
        review_follow_up(review=review, actor=order.placed_by, content=" ")
    review_follow_up(review=review, actor=order.placed_by, content="后续服务也很好。")
    review.refresh_from_db()
    assert review.followup == "后续服务也很好。" and review.followup_at > review.created_at
    with pytest.raises(ActionRefused):
        review_follow_up(review=review, actor=order.placed_by, content="再追加")
    review.refresh_from_db()
    assert review.followup == "后续服务也很好。"
    assert list(review.logs.values_list("event", flat=True)) == ["posted", "followed_up"]


def test_a_review_written_during_an_open_complaint_is_marked():
    order = order_in_state("checked")
    complaint_in_state("submitted", order=order)
    order.refresh_from_db()
    during = review_by(order, "enterprise")
    assert during.during_complaint
    other = order_in_state("checked")
    assert not review_by(other, "enterprise").during_complaint


def test_figures_are_exact_averages_of_the_visible_reviews():
    first = order_in_state("checked")
    institution = first.institution
    institution_user = organisation_user(institution)
    orders = [first] + [
        order_in_state("checked", institution=institution_user, service=first.service) for _ in range(2)
    ]
    review_by(orders[0], score=5, dims=(5, 4, 3))
    review_by(orders[1], score=4, dims=(4, 4, 4))
    abusive = review_by(orders[2], score=1, dims=(1, 1, 2))
    institution.refresh_from_db()
    assert (institution.rating_avg, institution.rating_count) == (Decimal("3.33"), 3)
    assert (institution.rating_quality_avg, institution.rating_attitude_avg, institution.rating_speed_avg) == (
        Decimal("3.33"),
        Decimal("3.00"),
        Decimal("3.00"),
    )
    # Reviews of the enterprise go on the enterprise, not on the institution.
    review_by(orders[0], "institution", score=2)
    institution.refresh_from_db()
    assert institution.rating_count == 3
    assert Organisation.objects.get(pk=first.enterprise_id).rating_avg == Decimal("2.00")

    admin = make_window_admin("yinchuan")
    review_hide(review=abusive, actor=admin, reason="含有辱骂内容")
    institution.refresh_from_db()
    assert (institution.rating_avg, institution.rating_count, institution.rating_speed_avg) == (
        Decimal("4.50"),
        2,
        Decimal("3.50"),
    )
    review_show(review=abusive, actor=admin)
    institution.refresh_from_db()
    assert institution.rating_count == 3


def test_administrators_of_the_window_hide_with_a_reason_and_the_author_is_told():
    order = order_in_state("checked")
    review = review_by(order, "enterprise", score=1, content="骗子机构！")
    with pytest.raises(ActionRefused):
        review_hide(review=review, actor=make_window_admin("xingqing"), reason="辱骂")
    with pytest.raises(ActionRefused):
        review_hide(review=review, actor=organisation_user(order.institution), reason="辱骂")
    admin = make_window_admin("yinchuan")
    with pytest.raises(ActionRefused):
        review_hide(review=review, actor=admin, reason="")
    review_hide(review=review, actor=admin, reason="含有辱骂内容")
    review.refresh_from_db()
    assert review.hidden and review.hidden_reason == "含有辱骂内容"
    log = review.logs.last()
    assert (log.actor, log.event, log.reason) == (admin, "hidden", "含有辱骂内容")
    told = Notification.objects.get(recipient=order.placed_by, url=review.get_absolute_url())
    assert "含有辱骂内容" in told.body
    with pytest.raises(ActionRefused):
        review_hide(review=review, actor=admin, reason="再次")
    # The text is kept: nothing a dispute might need is deleted.
    assert Review.objects.get(pk=review.pk).content == "骗子机构！"
