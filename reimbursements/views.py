"""兑付管理 (institutions): orders paid with vouchers, 兑付申请, the redemption pack."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts.models import OrganisationKind
from smeportal import idempotency
from smeportal.uploads import serve_private_document

from .actions import reimbursement_submit
from .forms import ReimbursementForm
from .selectors import (
    get_reimbursement_for_user,
    get_voucher_order_for_institution,
    may_ask_reimbursement,
    voucher_orders_of,
)


def _institution_of(user):
    if not user.organisation or user.organisation.kind != OrganisationKind.INSTITUTION:
        raise Http404
    return user.organisation


@login_required
def reimbursement_list(request):
    institution = _institution_of(request.user)
    orders = list(voucher_orders_of(institution)[:200])
    rows = [(order, getattr(order, "reimbursement", None), may_ask_reimbursement(order)) for order in orders]
    return render(request, "reimbursements/list.html", {"rows": rows})


@login_required
@idempotency.submits_once
def reimbursement_apply(request, order_pk):
    _institution_of(request.user)
    order = get_voucher_order_for_institution(request.user, order_pk)
    if not may_ask_reimbursement(order):
        raise Http404
    form = ReimbursementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        submitted = idempotency.submit_once(
            request,
            form,
            lambda: reimbursement_submit(
                order=order,
                actor=request.user,
                invoice_number=form.cleaned_data["invoice_number"],
                invoice=form.cleaned_data["invoice"][0],
            ),
            success=_("Reimbursement request sent; the window will check it."),
            success_url="reimbursements:list",
        )
        if submitted:
            return submitted
    claim = getattr(order, "reimbursement", None)
    return render(request, "reimbursements/apply.html", {"order": order, "form": form, "claim": claim})


@login_required
def reimbursement_pack(request, pk):
    """兑付材料 (PDF), for the institution and the window's administrators, once approved."""
    reimbursement = get_reimbursement_for_user(request.user, pk)
    if not reimbursement.pack:
        raise Http404
    return serve_private_document(reimbursement.pack, download_name=f"兑付材料-{reimbursement.order.number}.pdf")


@login_required
def reimbursement_invoice(request, pk):
    reimbursement = get_reimbursement_for_user(request.user, pk)
    return serve_private_document(reimbursement.invoice, download_name=reimbursement.invoice_name)
