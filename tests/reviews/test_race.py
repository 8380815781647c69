"""Reviews posted at the same time (PostgreSQL: real row locks, real transactions)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from accounts.models import Organisation
from reviews.actions import review_post
from reviews.models import Review
from smeportal.errors import ActionRefused
from tests.concurrency import race
from tests.factories import order_in_state, organisation_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("race_db")]


def test_reviews_posted_at_the_same_time_keep_the_figures_exact():
    first = order_in_state("checked")
    institution_user = organisation_user(first.institution)
    orders = [first] + [
        order_in_state("checked", institution=institution_user, service=first.service) for _ in range(7)
    ]
    scores = [5, 4, 3, 5, 2, 4, 1, 5]
    dims = [(5, 4, 3), (4, 4, 4), (3, 2, 5), (5, 5, 5), (2, 3, 1), (4, 5, 4), (1, 1, 2), (5, 4, 5)]

    def post(order, score, dim):
        return lambda: review_post(
            order=order, actor=order.placed_by, score=score, quality=dim[0], attitude=dim[1], speed=dim[2], content="好"
        )

    results = race(*[post(o, s, d) for o, s, d in zip(orders, scores, dims, strict=True)])
    assert results == ["ok"] * len(orders)
    institution = Organisation.objects.get(pk=first.institution_id)

    def mean(values):
        return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    assert institution.rating_count == 8
    assert institution.rating_avg == mean(scores)
    assert institution.rating_quality_avg == mean([d[0] for d in dims])
    assert institution.rating_attitude_avg == mean([d[1] for d in dims])
    assert institution.rating_speed_avg == mean([d[2] for d in dims])


def test_a_double_submit_posts_one_review():
    order = order_in_state("checked")
    post = lambda: review_post(  # noqa: E731
        order=order, actor=order.placed_by, score=5, quality=5, attitude=5, speed=5, content="好"
    )
    results = race(post, post, post)
    assert results.count("ok") == 1
    assert all(isinstance(r, ActionRefused) for r in results if r != "ok")
    assert Review.objects.count() == 1
    assert Organisation.objects.get(pk=order.institution_id).rating_count == 1
