"""Window administrators publish their windows' rankings, and only theirs."""

import pytest
from django.urls import reverse
from django.utils import timezone

from scorecards.actions import ranking_make, ranking_publish
from scorecards.models import MonthlyRanking
from smeportal.errors import ActionRefused
from tests.factories import HubAdminFactory, make_window_admin, window

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:scorecards_monthlyranking_changelist")


@pytest.fixture
def rankings():
    month = timezone.localdate().replace(day=1)
    return {slug: ranking_make(window=window(slug), month=month) for slug in ("xingqing", "jinfeng")}


def _transition_url(ranking, name):
    return reverse("admin:scorecards_monthlyranking_transition", args=[ranking.pk, name])


def test_a_window_administrator_sees_only_the_rankings_of_their_windows(client, rankings):
    client.force_login(make_window_admin("xingqing"))
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [rankings["xingqing"]]


def test_a_window_administrator_publishes_their_windows_ranking(client, rankings):
    admin = make_window_admin("xingqing")
    client.force_login(admin)
    response = client.post(_transition_url(rankings["xingqing"], "publish"))
    assert response.status_code == 302
    ranking = MonthlyRanking.objects.get(pk=rankings["xingqing"].pk)
    assert (ranking.is_published, ranking.published_by) == (True, admin)
    assert ranking.published_at is not None

    client.post(_transition_url(ranking, "withdraw"))
    assert not MonthlyRanking.objects.get(pk=ranking.pk).is_published


def test_another_windows_ranking_cannot_be_published_by_a_window_administrator(client, rankings):
    client.force_login(make_window_admin("xingqing"))
    response = client.post(_transition_url(rankings["jinfeng"], "publish"))
    assert response.status_code == 404
    assert not MonthlyRanking.objects.get(pk=rankings["jinfeng"].pk).is_published
    with pytest.raises(ActionRefused):
        ranking_publish(ranking=rankings["jinfeng"], actor=make_window_admin("xingqing"))


def test_the_hub_administrator_publishes_any_window_and_not_twice(rankings):
    hub = HubAdminFactory()
    ranking_publish(ranking=rankings["jinfeng"], actor=hub)
    with pytest.raises(ActionRefused):
        ranking_publish(ranking=rankings["jinfeng"], actor=hub)


def test_rankings_are_not_added_or_edited_by_hand(client, rankings):
    client.force_login(HubAdminFactory())
    assert client.get(reverse("admin:scorecards_monthlyranking_add")).status_code == 403
    change = client.get(reverse("admin:scorecards_monthlyranking_change", args=[rankings["xingqing"].pk]))
    assert 'name="month"' not in change.content.decode()
    assert "发布" in change.content.decode()
