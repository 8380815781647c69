"""The scorecard on the institution page, 综合评分 in 找机构, and the ranking pages."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrganisationKind
from scorecards.actions import ranking_make, ranking_publish, scorecard_recompute
from scorecards.models import MonthlyRanking, RankingEntry
from tests.factories import HubAdminFactory, OrganisationFactory, category, window

from .helpers import institution_and_service, place

pytestmark = pytest.mark.django_db
INSTITUTIONS_URL = reverse("services:institutions")


def _with_orders(count, state="in_service"):
    institution, service = institution_and_service("xingqing")
    for _ in range(count):
        place(service, state)
    scorecard_recompute(institution=institution.organisation, now=timezone.now())
    return institution.organisation


def test_institution_page_shows_each_figure_with_its_definition(client, settings):
    settings.SCORECARD_MIN_ORDERS = 2
    institution = _with_orders(2)
    content = client.get(reverse("services:institution", args=[institution.pk])).content.decode()
    assert "信用档案" in content
    assert '<th scope="col">近12个月</th>' in content
    assert "受理" in content
    assert "100.0%" in content  # both orders accepted
    assert "综合评分" in content and "100.0" in content


def test_find_institutions_shows_not_enough_orders_and_sorts_them_last(client, settings):
    settings.SCORECARD_MIN_ORDERS = 3
    ranked = _with_orders(3)
    small = _with_orders(2)
    response = client.get(INSTITUTIONS_URL, {"sort": "score"})
    names = [institution.name for institution in response.context["page"].object_list]
    assert names.index(ranked.name) < names.index(small.name)
    content = response.content.decode()
    assert "样本不足" in content
    assert "综合评分（0–100）" in content  # the formula is stated on the page
    scores = re.findall(r'data-testid="composite-score">综合评分：\s*(?:<strong>)?([^<]+)', content)
    assert scores[0] == "100.0"


def test_ranking_pages_show_only_published_rankings(client, settings):
    settings.SCORECARD_MIN_ORDERS = 1
    institution = _with_orders(1)
    shown = ranking_make(window=window("xingqing"), month=timezone.localdate().replace(day=1))
    hidden = ranking_make(window=window("jinfeng"), month=timezone.localdate().replace(day=1))
    ranking_publish(ranking=shown, actor=HubAdminFactory())

    listing = client.get(reverse("scorecards:rankings"))
    assert list(listing.context["page"].object_list) == [shown]
    detail = client.get(shown.get_absolute_url()).content.decode()
    assert institution.name in detail
    assert '<th scope="col">综合评分</th>' in detail
    assert client.get(hidden.get_absolute_url()).status_code == 404


def _published_ranking(slug, month, institutions):
    """A published ranking with one entry per institution (written directly: only the rows matter here)."""
    ranking = MonthlyRanking.objects.create(window=window(slug), month=month, is_published=True)
    RankingEntry.objects.bulk_create(
        RankingEntry(
            ranking=ranking,
            category=category(code),
            position=position,
            institution=institution,
            composite_score="80.0",
            order_count=5,
        )
        for code in ("legal", "financing")
        for position, institution in enumerate(institutions, start=1)
    )
    return ranking


def test_ranking_pages_query_count_does_not_grow_with_the_rows(client, django_assert_max_num_queries):
    few = [OrganisationFactory(kind=OrganisationKind.INSTITUTION) for _ in range(2)]
    first = _published_ranking("xingqing", datetime.date(2026, 1, 1), few)
    urls = [reverse("scorecards:rankings"), first.get_absolute_url()]
    measured = [len(_captured(client, url)) for url in urls]

    many = [OrganisationFactory(kind=OrganisationKind.INSTITUTION) for _ in range(10)]
    RankingEntry.objects.filter(ranking=first).delete()
    _published_ranking("jinfeng", datetime.date(2026, 1, 1), many)
    for n, slug in enumerate(("xixia", "helan", "lingwu")):
        _published_ranking(slug, datetime.date(2026, 2 + n, 1), many)
    first.delete()
    biggest = MonthlyRanking.objects.get(window__slug="jinfeng")

    for url, pinned in zip([urls[0], biggest.get_absolute_url()], measured, strict=True):
        with django_assert_max_num_queries(pinned):
            response = client.get(url)
        assert response.status_code == 200
    assert biggest.entries.count() == 20


def _captured(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return captured
