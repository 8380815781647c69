"""The timers recompute scorecards incrementally and make the monthly rankings."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from complaints.models import ComplaintLog
from demands.models import Bid
from orders.actions import order_accept
from orders.models import OrderLog
from reviews.models import ReviewLog
from scorecards.actions import previous_month, rankings_make_for_last_month, scorecards_recompute_changed
from scorecards.models import MonthlyRanking, ScorecardRun
from services.models import InstitutionScorecard
from tests.factories import category, organisation_user, published_service, window

from .helpers import institution_and_service, place

pytestmark = pytest.mark.django_db


def run_scorecard_timers() -> str:
    out = StringIO()
    call_command("run_timers", "--app", "scorecards", stdout=out)
    return out.getvalue()


def an_hour_passes():
    """Every record and the last run move an hour (and more) into the past."""
    earlier = timezone.now() - timedelta(hours=2)
    for model in (OrderLog, ComplaintLog, ReviewLog):
        model.objects.update(created_at=earlier)
    Bid.objects.update(updated_at=earlier)
    ScorecardRun.objects.update(started_at=timezone.now() - timedelta(hours=1))


def test_the_first_run_computes_every_institution_with_orders():
    first, first_service = institution_and_service()
    second, second_service = institution_and_service()
    place(first_service, "in_service")
    place(second_service, "declined")

    out = run_scorecard_timers()

    assert f"institution {first.organisation_id}" in out
    assert InstitutionScorecard.objects.get(institution=first.organisation).recent["accepted_share"] == 1.0
    assert InstitutionScorecard.objects.get(institution=second.organisation).recent["declined_share"] == 1.0
    assert ScorecardRun.objects.get().institution_count == 2


def test_later_runs_recompute_only_institutions_with_new_log_rows():
    first, first_service = institution_and_service()
    second, second_service = institution_and_service()
    waiting = place(first_service, "submitted")
    place(second_service, "in_service")
    run_scorecard_timers()
    an_hour_passes()
    assert run_scorecard_timers().count("scorecard recomputed") == 0

    order_accept(order=waiting, actor=organisation_user(first.organisation))
    out = run_scorecard_timers()

    assert f"institution {first.organisation_id}" in out
    assert f"institution {second.organisation_id}" not in out
    assert InstitutionScorecard.objects.get(institution=first.organisation).recent["accepted_share"] == 1.0


def test_a_scorecard_older_than_a_day_is_renewed_as_the_twelve_months_slide():
    institution, service = institution_and_service()
    place(service, "in_service")
    run_scorecard_timers()
    an_hour_passes()
    InstitutionScorecard.objects.update(computed_at=timezone.now() - timedelta(days=2))

    assert scorecards_recompute_changed(now=timezone.now()) == [institution.organisation_id]


def _ranked_institution(orders, *window_slugs):
    institution, service = institution_and_service(*window_slugs)
    for _ in range(orders):
        place(service, "in_service")
    return institution.organisation, service


def test_the_minimum_sample_keeps_small_institutions_out_of_the_ranking(settings):
    settings.SCORECARD_MIN_ORDERS = 3
    big, service = _ranked_institution(3, "xingqing")
    small, _service = _ranked_institution(2, "xingqing")
    run_scorecard_timers()
    assert InstitutionScorecard.objects.get(institution=small).composite_score is None

    rankings_make_for_last_month(now=timezone.now())

    ranking = MonthlyRanking.objects.get(window=window("xingqing"))
    assert ranking.month == previous_month(timezone.localdate())
    assert not ranking.is_published
    top_category = service.category.parent or service.category
    assert [(e.category, e.position, e.institution) for e in ranking.entries.all()] == [(top_category, 1, big)]


def test_rankings_are_per_category_best_first_and_made_once_a_month(settings):
    settings.SCORECARD_MIN_ORDERS = 1
    settings.SCORECARD_RANKING_SIZE = 1
    better, service = _ranked_institution(2, "xingqing")
    worse, _service = _ranked_institution(1, "xingqing")
    other_user = organisation_user(worse)
    # `worse` also offers a service of another category, where it is alone.
    legal = category("legal-counsel")
    published_service(other_user, "xingqing", category=legal)
    run_scorecard_timers()
    InstitutionScorecard.objects.filter(institution=worse).update(composite_score="50.0")

    rankings_make_for_last_month(now=timezone.now())
    assert rankings_make_for_last_month(now=timezone.now()) == []  # once per window and month

    entries = MonthlyRanking.objects.get(window=window("xingqing")).entries.all()
    by_category = {(e.category.code, e.position): e.institution for e in entries}
    assert by_category[((service.category.parent or service.category).code, 1)] == better
    assert by_category[(legal.parent.code, 1)] == worse
    assert len(by_category) == 2  # at most SCORECARD_RANKING_SIZE per category


def test_previous_month_of_january_is_december():
    assert previous_month(date(2026, 1, 15)) == date(2025, 12, 1)
