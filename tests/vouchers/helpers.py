import datetime
from decimal import Decimal

from django.utils import timezone

from tests.factories import window
from vouchers.models import VoucherProgramme


def programme(slug="yinchuan", **fields) -> VoucherProgramme:
    today = timezone.localdate()
    values = {
        "name": "2026年度中小企业服务券",
        "year": today.year,
        "budget": Decimal("30000"),
        "face_value": Decimal("5000"),
        "cap_per_enterprise": Decimal("10000"),
        "valid_from": today - datetime.timedelta(days=1),
        "valid_until": today + datetime.timedelta(days=180),
        "open_for_applications": True,
        **fields,
    }
    return VoucherProgramme.objects.create(window=window(slug), **values)
