"""A voucher programme of the hub, open for 申领, with one voucher issued to the demo enterprise."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from windows.models import Window

from .actions import voucher_issue
from .models import VoucherProgramme

PROGRAMME_NAME = "银川市中小企业服务券"


def load(stdout):
    today = timezone.localdate()
    programme, created = VoucherProgramme.objects.get_or_create(
        window=Window.objects.get(slug="yinchuan"),
        name=PROGRAMME_NAME,
        year=today.year,
        defaults={
            "budget": Decimal("500000"),
            "face_value": Decimal("5000"),
            "cap_per_enterprise": Decimal("10000"),
            "valid_from": today.replace(month=1, day=1),
            "valid_until": max(today.replace(month=12, day=31), today + datetime.timedelta(days=90)),
            "open_for_applications": True,
        },
    )
    if created:
        enterprise = User.objects.get(username="demo_enterprise").organisation
        voucher_issue(programme=programme, enterprise=enterprise, actor=User.objects.get(username="admin"))
    return []
