import io

import pytest
from django.core.management import call_command

from vouchers.models import Voucher, VoucherProgramme

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_programme_with_a_voucher_issued_and_a_second_run_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    programme = VoucherProgramme.objects.get()
    voucher = Voucher.objects.get()
    assert voucher.owner.users.filter(username="demo_enterprise").exists()
    # The demo order redeemed it for less than its face value; the rest went back.
    assert voucher.used_amount < voucher.amount
    assert programme.reserved == voucher.used_amount
