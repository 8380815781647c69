import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from scorecards.models import MonthlyRanking
from services.models import InstitutionScorecard

pytestmark = pytest.mark.django_db


def test_the_demo_institution_has_a_scorecard_and_the_hubs_ranking_is_published(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    institution = User.objects.get(username="demo_institution").organisation
    scorecard = InstitutionScorecard.objects.get(institution=institution)
    assert scorecard.all_time["orders"] > 0
    assert MonthlyRanking.objects.published().count() == 1  # a second load publishes nothing more
    assert client.get(reverse("scorecards:rankings")).status_code == 200
    page = client.get(reverse("services:institution", args=[institution.pk])).content.decode()
    assert "信用档案" in page
