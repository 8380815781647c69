"""The complaint pages: 【投诉】, 【我的投诉】 / 受到的投诉, the detail, reply, withdraw, photos; the admin queue."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from complaints.models import Complaint, ComplaintStatus
from orders.models import Order
from tests.complaints.helpers import complaint_in_state
from tests.factories import (
    HubAdminFactory,
    InstitutionUserFactory,
    certified_enterprise,
    certified_institution,
    make_window_admin,
    order_in_state,
    pdf_upload,
    png_upload,
    published_service,
)
from tests.once import with_token

pytestmark = pytest.mark.django_db
LOGIN = reverse("account_login")
CHANGELIST = reverse("admin:complaints_complaint_changelist")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def world():
    institution = certified_institution("yinchuan")
    return {
        "institution": institution,
        "enterprise": certified_enterprise(),
        "service": published_service(institution, title="食品检验检测"),
        "window_admin": make_window_admin("yinchuan"),
        "other_window_admin": make_window_admin("xingqing"),
    }


def order_of(world, state):
    return order_in_state(
        state, enterprise=world["enterprise"], institution=world["institution"], service=world["service"]
    )


def complaint_of(world, state="submitted", order_state="in_service", photos=1):
    return complaint_in_state(state, order=order_of(world, order_state), admin=world["window_admin"], photos=photos)


# Access ------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    complaint = complaint_of(world)
    urls = [
        reverse("complaints:list"),
        reverse("complaints:create", args=[complaint.order_id]),
        complaint.get_absolute_url(),
        reverse("complaints:reply", args=[complaint.pk]),
        reverse("complaints:withdraw", args=[complaint.pk]),
        reverse("complaints:photo", args=[complaint.photos.get().pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN), url


@pytest.mark.parametrize("who", ["other_enterprise", "other_institution", "other_window_admin", "staff_without_window"])
def test_other_organisations_and_windows_get_404_for_complaints_and_photos(client, world, who):
    complaint = complaint_of(world, "responded")
    from complaints.models import ComplaintAttachment
    from tests.factories import StaffUserFactory, order_document

    attachment = ComplaintAttachment.objects.create(
        complaint=complaint, file=order_document("说明.pdf"), original_name="说明.pdf"
    )
    user = {
        "other_enterprise": certified_enterprise(),
        "other_institution": InstitutionUserFactory(),
        "other_window_admin": world["other_window_admin"],
        "staff_without_window": StaffUserFactory(),
    }[who]
    client.force_login(user)
    for url in [
        complaint.get_absolute_url(),
        reverse("complaints:photo", args=[complaint.photos.get().pk]),
        reverse("complaints:attachment", args=[attachment.pk]),
        reverse("complaints:reply", args=[complaint.pk]),
        reverse("complaints:withdraw", args=[complaint.pk]),
        reverse("complaints:create", args=[complaint.order_id]),
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("who", ["enterprise", "institution", "window_admin", "hub_admin"])
def test_the_parties_and_the_windows_staff_see_the_complete_complaint_and_its_photos(client, world, who):
    complaint = complaint_of(world, "closed")
    user = world.get(who) or HubAdminFactory()
    client.force_login(user)
    content = html(client.get(complaint.get_absolute_url()))
    for text in [
        "检测报告数据与样品明显不符。",
        "已安排重新检测。",
        "经核实，机构检测流程存在问题。",
        complaint.order.number,
    ]:
        assert text in content
    # Every handling step with who and when.
    for log in complaint.logs.all():
        assert log.get_event_display() in content
    assert reverse("complaints:photo", args=[complaint.photos.get().pk]) in content
    response = client.get(reverse("complaints:photo", args=[complaint.photos.get().pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=0, no-store"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


# 【投诉】 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tab", "state"), [("in_service", "in_service"), ("completed", "completed"), ("checked", "checked")]
)
def test_the_complain_button_is_on_the_three_lists(client, world, tab, state):
    order = order_of(world, state)
    client.force_login(world["enterprise"])
    content = html(client.get(reverse("orders:tab", args=[tab])))
    assert reverse("complaints:create", args=[order.pk]) in content
    # Not for the institution, and not once a complaint is open.
    complaint_in_state("submitted", order=order)
    content = html(client.get(reverse("orders:tab", args=[tab])))
    assert reverse("complaints:create", args=[order.pk]) not in content
    assert "投诉处理中" in content
    client.force_login(world["institution"])
    assert reverse("complaints:create", args=[order.pk]) not in html(client.get(reverse("orders:tab", args=[tab])))


def test_no_complain_button_on_old_accepted_orders(client, world, settings):
    order = order_of(world, "checked")
    Order.objects.filter(pk=order.pk).update(
        checked_at=timezone.now() - timedelta(days=settings.COMPLAINT_WINDOW_DAYS + 1)
    )
    client.force_login(world["enterprise"])
    assert reverse("complaints:create", args=[order.pk]) not in html(
        client.get(reverse("orders:tab", args=["checked"]))
    )
    response = client.get(reverse("complaints:create", args=[order.pk]))
    assert response.status_code == 302 and not Complaint.objects.exists()


def test_filing_a_complaint_with_photos(client, world):
    order = order_of(world, "completed")
    client.force_login(world["enterprise"])
    url = reverse("complaints:create", args=[order.pk])
    assert "投诉理由" in html(client.get(url))
    response = client.post(
        url,
        with_token(
            complaint_type="quality", reason="报告结论错误。", photos=[png_upload("a.png"), png_upload("b.png")]
        ),
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == complaint.get_absolute_url()
    assert complaint.photos.count() == 2 and complaint.reason == "报告结论错误。"
    assert complaint.logs.get().actor == world["enterprise"]
    # The order page shows the complaint and its state.
    content = html(client.get(order.get_absolute_url()))
    assert complaint.get_absolute_url() in content and "待处理" in content


def test_a_bad_form_keeps_the_input_and_says_why(client, world):
    order = order_of(world, "in_service")
    client.force_login(world["enterprise"])
    url = reverse("complaints:create", args=[order.pk])
    response = client.post(url, with_token(complaint_type="", reason="我的理由", photos=[pdf_upload()]))
    content = html(response)
    assert "我的理由" in content
    assert "这个字段是必填项" in content or "此项为必填项" in content
    response = client.post(url, with_token(complaint_type="fees", reason="x", photos=[png_upload() for _ in range(6)]))
    assert "5" in html(response)
    assert not Complaint.objects.exists()


def test_the_institution_replies_with_an_attachment(client, world):
    complaint = complaint_of(world)
    client.force_login(world["institution"])
    assert reverse("complaints:reply", args=[complaint.pk]) in html(client.get(reverse("complaints:list")))
    response = client.post(
        reverse("complaints:reply", args=[complaint.pk]),
        {"reply": "已重新检测。", "attachments": [pdf_upload("报告.pdf")]},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESPONDED
    attachment = complaint.attachments.get()
    client.force_login(world["enterprise"])
    content = html(client.get(complaint.get_absolute_url()))
    assert "已重新检测。" in content and "报告.pdf" in content
    download = client.get(reverse("complaints:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    # The enterprise cannot reply.
    assert client.get(reverse("complaints:reply", args=[complaint.pk])).status_code == 404


def test_the_enterprise_withdraws_then_cannot_again(client, world):
    complaint = complaint_of(world)
    client.force_login(world["enterprise"])
    url = reverse("complaints:withdraw", args=[complaint.pk])
    assert "撤销" in html(client.get(url))
    assert client.post(url, {"reason": "已协商解决"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.WITHDRAWN
    assert complaint.logs.last().reason == "已协商解决"
    client.post(url, {})
    complaint.refresh_from_db()
    assert complaint.logs.count() == 2
    client.force_login(world["institution"])
    assert client.get(url).status_code == 404


# Lists -------------------------------------------------------------------------------------------------


def test_my_complaints_and_complaints_received_with_filters(client, world):
    open_one = complaint_of(world, photos=0)
    closed = complaint_of(world, "closed", order_state="checked", photos=0)
    foreign = complaint_in_state("submitted")
    client.force_login(world["enterprise"])
    content = html(client.get(reverse("complaints:list")))
    assert "我的投诉" in content
    assert open_one.number in content and closed.number in content and foreign.number not in content
    content = html(client.get(reverse("complaints:list"), {"status": "closed"}))
    assert closed.number in content and open_one.number not in content
    content = html(client.get(reverse("complaints:list"), {"result": "upheld"}))
    assert closed.number in content and open_one.number not in content
    content = html(client.get(reverse("complaints:list"), {"q": open_one.order.number}))
    assert open_one.number in content and closed.number not in content
    client.force_login(world["institution"])
    content = html(client.get(reverse("complaints:list")))
    assert "受到的投诉" in content and open_one.number in content and foreign.number not in content


@pytest.mark.parametrize("who", ["enterprise", "institution"])
def test_the_list_query_count_is_pinned(client, world, who, django_assert_max_num_queries):
    complaint_of(world, photos=0)
    client.force_login(world[who])
    client.get(reverse("complaints:list"))
    with django_assert_max_num_queries(6) as few:
        html(client.get(reverse("complaints:list")))
    for state in ["responded", "closed", "withdrawn"]:
        complaint_of(world, state, order_state="completed", photos=0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = html(client.get(reverse("complaints:list")))
    assert content.count("badge status-") == 4


def test_the_detail_query_count_does_not_grow_with_the_record(client, world, django_assert_max_num_queries):
    complaint = complaint_of(world, "closed", photos=1)
    client.force_login(world["enterprise"])
    client.get(complaint.get_absolute_url())
    with django_assert_max_num_queries(10) as few:
        html(client.get(complaint.get_absolute_url()))
    from complaints.models import ComplaintLog, ComplaintPhoto
    from tests.complaints.helpers import photo

    for _ in range(4):
        ComplaintPhoto.objects.create(complaint=complaint, file=photo())
    ComplaintLog.objects.bulk_create(
        ComplaintLog(complaint=complaint, actor=world["window_admin"], event="taken_up", reason=f"第{n}步")
        for n in range(20)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "第19步" in html(client.get(complaint.get_absolute_url()))


# Admin ----------------------------------------------------------------------------------------------------


def test_the_admin_queue_is_scoped_to_the_window_and_highlights_overdue(client, world):
    late = complaint_of(world, photos=0)
    Complaint.objects.filter(pk=late.pk).update(reply_due_at=timezone.now() - timedelta(hours=1))
    foreign = complaint_in_state("submitted", order=order_in_state("in_service", window_slug="xingqing"))
    client.force_login(world["window_admin"])
    content = html(client.get(CHANGELIST))
    assert late.number in content and foreign.number not in content
    assert "已超期" in content
    content = html(client.get(CHANGELIST, {"overdue": "yes"}))
    assert late.number in content
    assert client.get(reverse("admin:complaints_complaint_change", args=[foreign.pk])).status_code in (302, 404)


def test_admin_take_up_then_close_with_a_result(client, world):
    complaint = complaint_of(world, "responded", photos=0)
    client.force_login(world["window_admin"])
    change = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    content = html(client.get(change))
    assert reverse("admin:complaints_complaint_transition", args=[complaint.pk, "take_up"]) in content
    assert "close_upheld" not in content  # 办结 only once it is taken up
    take_up = reverse("admin:complaints_complaint_transition", args=[complaint.pk, "take_up"])
    assert client.post(take_up).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.PROCESSING and complaint.taken_up_by == world["window_admin"]
    close = reverse("admin:complaints_complaint_transition", args=[complaint.pk, "close_upheld"])
    assert client.post(close, {"reason": ""}).status_code == 200  # the handling text is required
    assert client.post(close, {"reason": "机构检测流程不规范。"}).status_code == 302
    complaint.refresh_from_db()
    assert (complaint.status, complaint.result, complaint.handling) == ("closed", "upheld", "机构检测流程不规范。")
    assert complaint.closed_by == world["window_admin"] and complaint.closed_at
    content = html(client.get(change))
    assert "机构检测流程不规范。" in content  # the timeline inline
    world["institution"].organisation.refresh_from_db()
    assert world["institution"].organisation.upheld_complaint_count == 1


def test_the_admin_exports_complaints_to_excel(client, world):
    mine = complaint_of(world, "closed", photos=0)
    foreign = complaint_in_state("submitted", order=order_in_state("in_service", window_slug="xingqing"))
    client.force_login(world["window_admin"])
    response = client.post(CHANGELIST, {"action": "export_xlsx", "select_across": "0", "index": "0"})
    assert response.status_code == 200
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("投诉编号", "状态", "订单编号")
    assert [row[0] for row in rows[1:]] == [mine.number]
    assert "投诉成立" in rows[1]
    client.force_login(HubAdminFactory())
    response = client.post(CHANGELIST, {"action": "export_xlsx", "select_across": "0", "index": "0"})
    numbers = {row[0] for row in list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))[1:]}
    assert numbers == {mine.number, foreign.number}


def test_the_institution_page_counts_upheld_complaints(client, world):
    complaint_of(world, "closed", photos=0)
    content = html(client.get(reverse("services:institution", args=[world["institution"].organisation.pk])))
    assert "投诉成立次数: 1" in content


def test_only_staff_get_the_link_to_the_admin(client, world):
    complaint = complaint_of(world, photos=0)
    admin_url = reverse("admin:complaints_complaint_change", args=[complaint.pk])
    client.force_login(world["enterprise"])
    assert admin_url not in html(client.get(complaint.get_absolute_url()))
    client.force_login(world["window_admin"])
    assert admin_url in html(client.get(complaint.get_absolute_url()))


def test_the_admin_queue_query_count_is_pinned(client, world, django_assert_max_num_queries):
    complaint_of(world, photos=0)
    client.force_login(world["window_admin"])
    client.get(CHANGELIST)
    with django_assert_max_num_queries(20) as few:
        html(client.get(CHANGELIST))
    for state in ["responded", "processing", "closed", "withdrawn"]:
        complaint_of(world, state, order_state="completed", photos=0)
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = html(client.get(CHANGELIST))
    assert content.count("TS0") >= 5
