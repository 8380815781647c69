"""服务券 from budget to redemption in a real browser (issue 16): an administrator creates a
programme and issues vouchers, the enterprise applies for one more and pays part of an order
with it, the institution completes the order and asks for reimbursement with an invoice, the
administrator approves and downloads the 兑付材料 PDF, and the 监管看板 shows the figures."""

import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders.models import Order
from reimbursements.models import Reimbursement
from services.actions import service_approve, service_save, service_submit
from services.models import Service, ServiceCategory
from tests.factories import EnterpriseUserFactory, HubAdminFactory, approved_application, certified_institution, window
from vouchers.models import Voucher

from .test_order_journey import log_in, log_out

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def setting():
    institution = certified_institution("yinchuan")
    service = Service(
        institution=institution.organisation,
        title="企业常年法律顾问",
        category=ServiceCategory.objects.get(code="legal-counsel"),
        price_mode="fixed",
        price=Decimal("6000"),
        price_unit="year",
        summary="合同审查与法律咨询。",
        content="合同审查与法律咨询。",
        contact_name="张律师",
        contact_phone="0951-6012345",
    )
    service = service_save(service=service, actor=institution, windows=[window("yinchuan")])
    service_submit(service=service, actor=institution)
    admin = HubAdminFactory()
    service_approve(service=service, actor=admin)
    enterprise = EnterpriseUserFactory()
    approved_application(
        enterprise.organisation,
        legal_representative="李明",
        registered_address="银川市金凤区北京中路99号",
        mobile="13800000099",
    )
    return {"institution": institution, "enterprise": enterprise, "admin": admin}


def test_voucher_from_programme_to_reimbursement(live_server, page, setting):
    base = live_server.url
    year = timezone.localdate().year

    # The hub administrator creates a programme in admin and issues a voucher to every eligible enterprise.
    log_in(page, base, setting["admin"].username)
    page.goto(f"{base}/admin/vouchers/voucherprogramme/add/")
    page.locator("#id_window").select_option(label="银川市中小企业公共综合服务窗口平台")
    page.locator("#id_name").fill("法律服务券")
    page.locator("#id_year").fill(str(year))
    page.locator("#id_budget").fill("30000")
    page.locator("#id_face_value").fill("3000")
    page.locator("#id_cap_per_enterprise").fill("6000")
    page.locator("#id_valid_from").fill(f"{year}-01-01")
    page.locator("#id_valid_until").fill(f"{year}-12-31")
    page.locator("#id_open_for_applications").check()
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("法律服务券")
    page.get_by_role("checkbox", name=re.compile("法律服务券")).check()
    page.locator("select[name=action]").select_option(label="向每家符合条件的认证企业发放一张服务券")
    page.get_by_role("button", name="执行").click()
    expect(page.locator(".messagelist")).to_contain_text("1")
    assert Voucher.objects.filter(owner=setting["enterprise"].organisation).count() == 1
    log_out(page, base)

    # The enterprise applies (申领) for a second voucher, then pays with one on 我要申请.
    log_in(page, base, setting["enterprise"].username)
    page.get_by_role("navigation", name="用户中心菜单").get_by_role("link", name="我的服务券").click()
    page.get_by_role("button", name=re.compile("申领")).click()
    expect(page.locator(".alert-success")).to_contain_text("¥3000")
    assert Voucher.objects.filter(owner=setting["enterprise"].organisation).count() == 2
    page.get_by_role("link", name="找服务").first.click()
    page.get_by_role("link", name="企业常年法律顾问").click()
    page.get_by_role("link", name="我要申请").click()
    page.get_by_label("订购数量").fill("1")
    page.get_by_label("服务券").select_option(index=1)
    page.get_by_role("button", name="我要申请").click()
    expect(page.get_by_test_id("order-status")).to_have_text("待受理")
    expect(page.get_by_text("¥3000.00").first).to_be_visible()
    order = Order.objects.get()
    assert (order.voucher_amount, order.to_pay) == (Decimal("3000.00"), Decimal("3000.00"))
    log_out(page, base)

    # The institution accepts; the enterprise confirms completion and accepts (验收合格).
    log_in(page, base, setting["institution"].username)
    page.get_by_role("navigation", name="用户中心菜单").get_by_role("link", name="待受理的订单").click()
    page.get_by_role("row", name=re.compile(order.number)).get_by_role("button", name="受理").click()
    expect(page.get_by_test_id("order-status")).to_have_text("服务中")
    log_out(page, base)
    log_in(page, base, setting["enterprise"].username)
    page.goto(f"{base}{order.get_absolute_url()}")
    page.get_by_role("link", name="服务完成").click()
    page.get_by_label("已完成", exact=True).check()
    page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name="验收", exact=True).click()
    page.get_by_label("验收合格").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("order-status")).to_have_text("已验收")
    log_out(page, base)

    # 兑付管理: the institution asks for reimbursement with its invoice.
    log_in(page, base, setting["institution"].username)
    page.get_by_role("navigation", name="用户中心菜单").get_by_role("link", name="兑付管理").click()
    page.get_by_role("row", name=re.compile(order.number)).get_by_role("link", name="兑付申请").click()
    page.get_by_label("发票号码").fill("64000261")
    invoice = {"name": "增值税发票.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}
    page.get_by_label("发票", exact=True).set_input_files(invoice)
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("兑付申请已提交")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(order.number))).to_contain_text("待审核")
    log_out(page, base)

    # The administrator approves (通过) and downloads the redemption pack.
    log_in(page, base, setting["admin"].username)
    claim = Reimbursement.objects.get()
    page.goto(f"{base}/admin/reimbursements/reimbursement/{claim.pk}/change/")
    page.get_by_role("link", name="审核通过").click()
    page.locator("input[type=submit][value=审核通过]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    claim.refresh_from_db()
    assert claim.status == "approved"
    with page.expect_download() as download:
        page.get_by_role("link", name="下载").click()
    with open(download.value.path(), "rb") as pack:
        assert pack.read().startswith(b"%PDF")

    # 监管看板 → 服务券 shows the redeemed amount.
    page.goto(f"{base}/supervision/dashboard/")
    page.get_by_role("navigation", name="监管看板").get_by_role("link", name="服务券").click()
    row = page.get_by_role("row", name=re.compile("法律服务券"))
    expect(row).to_contain_text("6000")  # issued
    expect(row).to_contain_text("3000")  # redeemed
