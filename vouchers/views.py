"""我的服务券: an enterprise's vouchers and 申领 for the programmes open to it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import OrganisationKind
from smeportal import idempotency

from .actions import voucher_apply
from .forms import VoucherApplyForm
from .selectors import STATUS_ORDER, programmes_open_to, vouchers_of


def _enterprise_of(user):
    if not user.organisation or user.organisation.kind != OrganisationKind.ENTERPRISE:
        raise Http404
    return user.organisation


@login_required
@idempotency.submits_once
def my_vouchers(request):
    enterprise = _enterprise_of(request.user)
    form = VoucherApplyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        applied = idempotency.submit_once(
            request,
            form,
            lambda: voucher_apply(programme=form.cleaned_data["programme"], actor=request.user),
            success=lambda voucher: (
                _("Voucher %(number)s of ¥%(amount)s received.") % {"number": voucher.number, "amount": voucher.amount}
            ),
            success_url="vouchers:mine",
        )
        if applied:
            return applied
    vouchers = list(vouchers_of(enterprise))
    groups = [(status, [v for v in vouchers if v.status == status]) for status in STATUS_ORDER]
    programmes = programmes_open_to(enterprise)
    apply_forms = [(programme, VoucherApplyForm(initial={"programme": programme.pk})) for programme in programmes]
    return render(
        request,
        "vouchers/mine.html",
        {
            "groups": groups,
            "apply_forms": apply_forms,
            "form": form,
            "organisation": enterprise,
        },
    )
