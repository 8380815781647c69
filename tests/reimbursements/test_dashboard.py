"""监管看板 → 服务券: the amounts by programme, district, category and month, scoped and exported."""

import io

import openpyxl
import pytest
from django.urls import reverse

from reimbursements.actions import reimbursement_approve, reimbursement_mark_paid
from tests.factories import HubAdminFactory, make_window_admin

from .helpers import submitted, voucher_order

pytestmark = pytest.mark.django_db
URL = reverse("supervision:vouchers")


def _paid_and_held():
    admin = HubAdminFactory()
    claim = submitted(slug="xingqing")
    reimbursement_mark_paid(reimbursement=reimbursement_approve(reimbursement=claim, actor=admin), actor=admin)
    voucher_order("in_service", slug="xingqing")  # a second voucher, held by a running order
    return admin, claim


def test_hub_sees_issued_held_redeemed_and_paid(client):
    admin, claim = _paid_and_held()
    client.force_login(admin)
    response = client.get(URL)
    assert response.status_code == 200
    programme_table, district_table, category_table, month_table = response.context["tables"]
    # Two programmes of 5,000 face value; one voucher redeemed and paid, one held.
    assert sorted(row[4:9] for row in programme_table.rows) == [
        [5000.0, 0.0, 5000.0, 5000.0, 0.0],
        [5000.0, 5000.0, 0.0, 0.0, 0.0],
    ]
    assert sum(row[1] for row in district_table.rows) == 10000.0
    assert sum(row[1] for row in category_table.rows) == 2
    assert sum(row[3] for row in month_table.rows) == 5000.0  # paid this month
    assert "服务券" in response.content.decode()


def test_window_admins_see_only_their_programmes(client):
    _paid_and_held()
    client.force_login(make_window_admin("jinfeng"))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["tables"][0].rows == []
    client.force_login(make_window_admin("xingqing"))
    assert len(client.get(URL).context["tables"][0].rows) == 2


def test_excel_export_is_the_table(client):
    admin, _claim = _paid_and_held()
    client.force_login(admin)
    response = client.get(URL, {"export": "voucher_programme"})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "服务券项目" and len(rows) == 3


def test_enterprises_are_refused(client):
    order = voucher_order()
    client.force_login(order.placed_by)
    assert client.get(URL).status_code in (302, 403, 404)
