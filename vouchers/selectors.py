from django.utils import timezone

from certification.selectors import approved_application

from .models import Voucher, VoucherProgramme, VoucherStatus


def vouchers_of(organisation):
    """An enterprise's vouchers, each with its programme, newest first."""
    return Voucher.objects.filter(owner=organisation).select_related("programme", "programme__window")


def programmes_open_to(organisation):
    """The programmes an enterprise may apply (申领) to today: open, running, and its
    district, industry and scale eligible.

    The cap and the budget are checked when it applies; they need the row lock.
    """
    today = timezone.localdate()
    programmes = VoucherProgramme.objects.filter(
        open_for_applications=True, valid_from__lte=today, valid_until__gte=today
    ).select_related("window")
    application = approved_application(organisation)
    industry, scale = (application.industry, application.scale) if application else ("", "")
    return [
        p
        for p in programmes
        if p.district_eligible(organisation.district) and p.industry_eligible(industry) and p.scale_eligible(scale)
    ]


STATUS_ORDER = [VoucherStatus.AVAILABLE, VoucherStatus.HELD, VoucherStatus.REDEEMED, VoucherStatus.EXPIRED]


def usable_vouchers(organisation, category, *, negotiated: bool = False) -> list:
    """The enterprise's vouchers it may use on a service of this category today (我要申请).

    A voucher that pays a share of the price has nothing to pay on a negotiated price.
    Whether the institution is related to the enterprise is checked when the order is
    placed, where the refusal can say why.
    """
    if organisation is None:
        return []
    vouchers = (
        Voucher.objects.filter(owner=organisation, status=VoucherStatus.AVAILABLE, expires_on__gte=timezone.localdate())
        .select_related("programme")
        .prefetch_related("programme__eligible_categories")
        .order_by("expires_on", "pk")
    )
    return [
        v
        for v in vouchers
        if v.programme.category_eligible(category) and not (negotiated and v.programme.share_percent is not None)
    ]
