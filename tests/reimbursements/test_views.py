"""兑付管理: the institution's page, 兑付申请 with an invoice, the pack download, and 404s."""

import pytest
from django.urls import reverse

from reimbursements.actions import reimbursement_approve
from reimbursements.models import Reimbursement
from smeportal.idempotency import FIELD, new_token
from tests.factories import HubAdminFactory, make_window_admin, organisation_user, pdf_upload
from tests.once import with_token

from .helpers import submitted, voucher_order

pytestmark = pytest.mark.django_db
LIST = reverse("reimbursements:list")


def test_the_institution_sees_its_voucher_orders_and_the_button(client, django_assert_max_num_queries):
    order = voucher_order()
    voucher_order("in_service", institution=organisation_user(order.institution))
    client.force_login(organisation_user(order.institution))
    with django_assert_max_num_queries(12):
        page = client.get(LIST).content.decode()
    assert "兑付管理" in page and order.number in page and "¥5000" in page
    assert page.count(reverse("reimbursements:apply", args=[order.pk])) == 1
    assert page.count("兑付申请</a>") == 1  # only the accepted order offers it


def test_enterprises_and_anonymous_do_not_get_the_page(client):
    order = voucher_order()
    assert client.get(LIST).status_code == 302
    client.force_login(order.placed_by)
    assert client.get(LIST).status_code == 404


def test_apply_with_an_invoice_makes_one_request(client):
    order = voucher_order()
    client.force_login(organisation_user(order.institution))
    url = reverse("reimbursements:apply", args=[order.pk])
    assert "发票号码" in client.get(url).content.decode()
    data = {"invoice_number": "NX001", FIELD: new_token()}
    first = client.post(url, {**data, "invoice": pdf_upload("增值税发票.pdf")})
    assert first.status_code == 302 and first["Location"] == LIST
    again = client.post(url, {**data, "invoice": pdf_upload("增值税发票.pdf")})  # a double click
    assert again.status_code == 302
    claim = Reimbursement.objects.get()
    assert (claim.invoice_number, claim.invoice_name) == ("NX001", "增值税发票.pdf")
    # Once asked, the form is gone.
    assert client.get(url).status_code == 404


def test_bad_invoice_is_refused_with_the_input_kept(client):
    order = voucher_order()
    client.force_login(organisation_user(order.institution))
    url = reverse("reimbursements:apply", args=[order.pk])
    response = client.post(url, with_token(invoice_number="NX002"))
    page = response.content.decode()
    assert response.status_code == 200 and "NX002" in page and "此项为必填项" in page
    fake = pdf_upload("发票.pdf", data=b"MZ not a pdf at all")
    response = client.post(url, with_token(invoice_number="NX002", invoice=fake))
    assert response.status_code == 200 and not Reimbursement.objects.exists()


def test_other_institutions_get_404(client):
    order = voucher_order()
    claim = submitted(voucher_order())
    client.force_login(organisation_user(order.institution))
    assert client.get(reverse("reimbursements:apply", args=[claim.order_id])).status_code == 404
    assert client.get(reverse("reimbursements:invoice", args=[claim.pk])).status_code == 404


def test_pack_download_after_approval(client):
    claim = submitted()
    client.force_login(organisation_user(claim.institution))
    assert client.get(reverse("reimbursements:pack", args=[claim.pk])).status_code == 404  # not written yet
    reimbursement_approve(reimbursement=claim, actor=HubAdminFactory())
    response = client.get(reverse("reimbursements:pack", args=[claim.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert "兑付材料" in client.get(LIST).content.decode()


def test_admin_scoping_and_buttons(client):
    claim = submitted(slug="xingqing")
    change = reverse("admin:reimbursements_reimbursement_change", args=[claim.pk])
    client.force_login(make_window_admin("jinfeng"))
    assert client.get(change).status_code in (302, 404)
    assert client.get(reverse("reimbursements:invoice", args=[claim.pk])).status_code == 404
    client.force_login(make_window_admin("xingqing"))
    page = client.get(change).content.decode()
    assert claim.order.number in page and "通过" in page and "退回" in page
    assert client.get(reverse("reimbursements:invoice", args=[claim.pk])).status_code == 200
