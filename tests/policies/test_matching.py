"""政策匹配: each targeting dimension, the certification rule, the ranking, and the SQL
that finds the targeted enterprises agreeing with the matching on profiles."""

import datetime

import pytest
from django.utils import timezone

from policies.matching import Profile, fitting, match
from policies.models import Policy
from policies.selectors import targeted_enterprises
from tests.factories import EnterpriseUserFactory, certified_enterprise, certified_institution

from .helpers import published

pytestmark = pytest.mark.django_db

MANUFACTURER = Profile(district="xingqing", industry="C", scale="small", certified=True)


def _policy(**targeting):
    return Policy(pk=1, title="t", certification_required=targeting.pop("certification_required", True), **targeting)


@pytest.mark.parametrize(
    ("targeting", "fits", "reasons"),
    [
        ({}, True, [None, None, None]),
        ({"target_districts": ["xingqing", "jinfeng"]}, True, [True, None, None]),
        ({"target_districts": ["jinfeng"]}, False, [False, None, None]),
        ({"target_industries": ["C"]}, True, [None, True, None]),
        ({"target_industries": ["I"]}, False, [None, False, None]),
        ({"target_scales": ["small", "micro"]}, True, [None, None, True]),
        ({"target_scales": ["medium"]}, False, [None, None, False]),
        (
            {"target_districts": ["xingqing"], "target_industries": ["C"], "target_scales": ["small"]},
            True,
            [True, True, True],
        ),
    ],
)
def test_each_dimension_fits_or_not_and_an_empty_one_is_open_to_all(targeting, fits, reasons):
    result = match(_policy(**targeting), MANUFACTURER)
    assert result.fits is fits
    assert [ok for _label, ok in result.reasons] == reasons


def test_certification_required_leaves_out_an_uncertified_enterprise():
    uncertified = Profile(district="xingqing")
    assert not match(_policy(), uncertified).fits
    assert match(_policy(certification_required=False), uncertified).fits
    # Industry and scale come from the certification: without one they never fit.
    assert not match(_policy(certification_required=False, target_industries=["C"]), uncertified).fits


def test_policies_naming_more_of_the_enterprise_rank_first_then_the_nearer_deadline():
    today = timezone.localdate()
    general = _policy()
    general.pk, general.application_deadline = 1, today + datetime.timedelta(days=2)
    district = _policy(target_districts=["xingqing"])
    district.pk, district.application_deadline = 2, today + datetime.timedelta(days=30)
    exact_late = _policy(target_districts=["xingqing"], target_industries=["C"])
    exact_late.pk, exact_late.application_deadline = 3, today + datetime.timedelta(days=20)
    exact_soon = _policy(target_districts=["xingqing"], target_industries=["C"])
    exact_soon.pk, exact_soon.application_deadline = 4, today + datetime.timedelta(days=5)
    elsewhere = _policy(target_districts=["jinfeng"])
    elsewhere.pk = 5
    ranked = [m.policy.pk for m in fitting([general, district, exact_late, exact_soon, elsewhere], MANUFACTURER)]
    assert ranked == [4, 3, 2, 1]


def test_the_targeted_enterprises_are_the_ones_the_matching_fits():
    fits = certified_enterprise(district="xingqing", industry="C", scale="small").organisation
    wrong_industry = certified_enterprise(district="xingqing", industry="I", scale="small").organisation
    wrong_scale = certified_enterprise(district="xingqing", industry="C", scale="medium").organisation
    wrong_district = certified_enterprise(district="jinfeng", industry="C", scale="small").organisation
    uncertified = EnterpriseUserFactory(organisation__district="xingqing").organisation
    certified_institution()  # institutions are never targeted
    policy = published(target_districts=["xingqing"], target_industries=["C"], target_scales=["small"])
    assert list(targeted_enterprises(policy)) == [fits]
    for organisation in [fits, wrong_industry, wrong_scale, wrong_district, uncertified]:
        assert match(policy, Profile.of(organisation)).fits is (organisation == fits)
