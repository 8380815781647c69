import io

import pytest
from django.core.management import call_command

from reimbursements.models import Reimbursement
from vouchers.models import VoucherStatus

pytestmark = pytest.mark.django_db


def test_the_demo_shows_a_programme_in_use_and_a_second_run_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    claim = Reimbursement.objects.get()
    assert claim.status == "approved" and claim.pack.read().startswith(b"%PDF")
    assert claim.order.status == "checked" and claim.voucher.status == VoucherStatus.REDEEMED
    assert claim.order.enterprise.users.filter(username="demo_enterprise").exists()
    assert claim.institution.users.filter(username="demo_institution").exists()
