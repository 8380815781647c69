import io

import pytest
from django.core.management import call_command

from accounts.models import User
from policies.models import Policy, PolicyStatus
from policies.selectors import policies_fitting

pytestmark = pytest.mark.django_db


def test_the_demo_publishes_policies_that_fit_the_demo_enterprise_and_a_second_run_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert Policy.objects.filter(status=PolicyStatus.PUBLISHED).count() == 2
    assert Policy.objects.filter(status=PolicyStatus.PENDING).count() == 1
    enterprise = User.objects.get(username="demo_enterprise").organisation
    fits = [m.policy.title for m in policies_fitting(enterprise)]
    assert fits[0] == "兴庆区小型制造业企业技术改造资金扶持申报指南"  # names district, industry and scale
    assert len(fits) == 2
