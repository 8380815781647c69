"""The complaint machine: eligibility, every (state, action, actor), the escalation timer, paused order timers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Organisation
from complaints.actions import (
    complaint_close,
    complaint_file,
    complaint_reply,
    complaint_take_up,
    complaint_withdraw,
)
from complaints.actions import run_timers as complaint_timers
from complaints.models import Complaint, ComplaintLog, ComplaintPhoto, ComplaintResult, ComplaintStatus, ComplaintType
from complaints.permissions import order_open_to_complaint
from notifications.models import Notification
from orders.actions import run_timers as order_timers
from orders.models import Order, OrderStatus
from smeportal.errors import ActionRefused
from tests.complaints.helpers import COMPLAINT_STATES, complaint_in_state, people, photo
from tests.factories import (
    EnterpriseUserFactory,
    HubAdminFactory,
    make_window_admin,
    order_in_state,
    organisation_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def file(order, actor=None, **kwargs):
    return complaint_file(
        order=order,
        actor=actor or order.placed_by,
        complaint_type=kwargs.pop("complaint_type", ComplaintType.QUALITY),
        reason=kwargs.pop("reason", "服务质量不达标。"),
        **kwargs,
    )


# Eligibility of 【投诉】 -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        ("submitted", False),
        ("in_service", True),
        ("completed", True),
        ("checked", True),
        ("cancelled", False),
        ("declined", False),
        ("expired", False),
    ],
)
def test_complaint_is_offered_on_the_manuals_three_cases_only(state, allowed):
    order = order_in_state(state)
    assert order_open_to_complaint(order) is allowed
    if allowed:
        complaint = file(order)
        assert complaint.status == ComplaintStatus.SUBMITTED
        assert complaint.order_status == state
    else:
        with pytest.raises(ActionRefused):
            file(order)
        assert not Complaint.objects.exists()


@pytest.mark.parametrize(("days_ago", "allowed"), [(0, True), (29, True), (31, False), (90, False)])
def test_accepted_orders_can_be_complained_about_within_the_window(settings, days_ago, allowed):
    settings.COMPLAINT_WINDOW_DAYS = 30
    order = order_in_state("checked")
    Order.objects.filter(pk=order.pk).update(checked_at=timezone.now() - timedelta(days=days_ago))
    order.refresh_from_db()
    assert order_open_to_complaint(order) is allowed
    if allowed:
        file(order)
    else:
        with pytest.raises(ActionRefused, match="30"):
            file(order)


def test_the_window_follows_the_setting(settings):
    order = order_in_state("checked")
    Order.objects.filter(pk=order.pk).update(checked_at=timezone.now() - timedelta(days=10))
    order.refresh_from_db()
    settings.COMPLAINT_WINDOW_DAYS = 7
    assert not order_open_to_complaint(order)
    settings.COMPLAINT_WINDOW_DAYS = 14
    assert order_open_to_complaint(order)


@pytest.mark.parametrize("who", ["institution", "stranger", "hub_admin", "colleague"])
def test_only_the_enterprise_of_the_order_files(who):
    order = order_in_state("in_service")
    actor = {
        "institution": organisation_user(order.institution),
        "stranger": EnterpriseUserFactory(),
        "hub_admin": HubAdminFactory(),
        "colleague": EnterpriseUserFactory(organisation=order.enterprise),
    }[who]
    if who == "colleague":  # another user of the same enterprise acts for it
        assert file(order, actor=actor).filed_by == actor
        return
    with pytest.raises(ActionRefused):
        file(order, actor=actor)
    assert not Complaint.objects.exists()


def test_filing_records_pauses_the_order_and_tells_the_institution_and_the_window():
    admin = make_window_admin("yinchuan")
    order = order_in_state("completed")
    institution_user = organisation_user(order.institution)
    complaint = file(order, photos=[photo(), photo()])
    order.refresh_from_db()
    assert order.timers_paused
    assert ComplaintPhoto.objects.filter(complaint=complaint).count() == 2
    log = ComplaintLog.objects.get(complaint=complaint)
    assert (log.actor, log.event, log.from_status, log.to_status) == (order.placed_by, "filed", "", "submitted")
    assert Notification.objects.filter(recipient=institution_user, url=complaint.get_absolute_url()).exists()
    assert Notification.objects.filter(recipient=admin).exists()
    assert complaint.reply_due_at > timezone.now()


def test_one_open_complaint_per_order_then_a_new_one_after_it_ends():
    order = order_in_state("in_service")
    first = file(order)
    with pytest.raises(ActionRefused, match="已有|already"):
        file(order)
    complaint_withdraw(complaint=first, actor=order.placed_by)
    order.refresh_from_db()
    assert not order.timers_paused
    second = file(order)
    assert second.pk != first.pk
    assert Complaint.objects.filter(order=order).open().count() == 1


def test_filing_needs_a_type_a_reason_and_at_most_five_photos():
    order = order_in_state("in_service")
    with pytest.raises(ActionRefused) as refused:
        file(order, complaint_type="nonsense")
    assert "complaint_type" in refused.value.field_errors
    with pytest.raises(ActionRefused) as refused:
        file(order, reason="   ")
    assert "reason" in refused.value.field_errors
    with pytest.raises(ActionRefused) as refused:
        file(order, photos=[photo() for _ in range(6)])
    assert "photos" in refused.value.field_errors
    assert not Complaint.objects.exists()
    order.refresh_from_db()
    assert not order.timers_paused


# Every (state, action, actor) ----------------------------------------------------------------

ACTORS = ["enterprise", "institution", "window_admin", "other_window_admin", "hub_admin", "stranger"]
ACTIONS = {
    "reply": lambda c, a: complaint_reply(complaint=c, actor=a, reply="我们会尽快整改。"),
    "take_up": lambda c, a: complaint_take_up(complaint=c, actor=a),
    "close": lambda c, a: complaint_close(complaint=c, actor=a, result=ComplaintResult.REJECTED, handling="不成立。"),
    "withdraw": lambda c, a: complaint_withdraw(complaint=c, actor=a),
}
ALLOWED = {
    ("submitted", "reply", "institution"): "responded",
    ("submitted", "take_up", "window_admin"): "processing",
    ("submitted", "take_up", "hub_admin"): "processing",
    ("responded", "take_up", "window_admin"): "processing",
    ("responded", "take_up", "hub_admin"): "processing",
    ("processing", "close", "window_admin"): "closed",
    ("processing", "close", "hub_admin"): "closed",
    ("submitted", "withdraw", "enterprise"): "withdrawn",
    ("responded", "withdraw", "enterprise"): "withdrawn",
}


@pytest.mark.parametrize("actor_name", ACTORS)
@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("state", COMPLAINT_STATES)
def test_complaint_machine(state, action, actor_name):
    admin = make_window_admin("yinchuan")
    complaint = complaint_in_state(state, admin=admin)
    who = people(complaint.order)
    actor = {
        **who,
        "window_admin": admin,
        "other_window_admin": make_window_admin("xingqing"),
        "hub_admin": HubAdminFactory(),
        "stranger": EnterpriseUserFactory(),
    }[actor_name]
    logs_before = complaint.logs.count()
    expected = ALLOWED.get((state, action, actor_name))
    if expected:
        ACTIONS[action](complaint, actor)
        complaint.refresh_from_db()
        assert complaint.status == expected
        log = complaint.logs.last()
        assert complaint.logs.count() == logs_before + 1
        assert (log.actor, log.from_status, log.to_status) == (actor, state, expected)
    else:
        with pytest.raises(ActionRefused) as refused:
            ACTIONS[action](complaint, actor)
        assert str(refused.value.message)
        complaint.refresh_from_db()
        assert complaint.status == state
        assert complaint.logs.count() == logs_before


def test_closing_needs_a_result_and_a_handling_text():
    admin = make_window_admin("yinchuan")
    complaint = complaint_in_state("processing", admin=admin)
    with pytest.raises(ActionRefused):
        complaint_close(complaint=complaint, actor=admin, result="maybe", handling="文字")
    with pytest.raises(ActionRefused):
        complaint_close(complaint=complaint, actor=admin, result=ComplaintResult.UPHELD, handling=" ")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.PROCESSING


def test_the_institution_replies_once_with_attachments():
    from tests.factories import order_document

    complaint = complaint_in_state("submitted")
    institution_user = people(complaint.order)["institution"]
    complaint_reply(
        complaint=complaint, actor=institution_user, reply="已整改。", attachments=[order_document("整改.pdf")]
    )
    complaint.refresh_from_db()
    assert complaint.reply == "已整改。" and complaint.replied_by == institution_user
    assert complaint.attachments.get().original_name == "整改.pdf"
    told = Notification.objects.filter(recipient=complaint.order.placed_by, url=complaint.get_absolute_url())
    assert told.filter(title__contains=complaint.order.number, body="已整改。").exists()
    with pytest.raises(ActionRefused):
        complaint_reply(complaint=complaint, actor=institution_user, reply="再回复一次")


def test_upheld_complaints_count_on_the_institutions_record():
    order = order_in_state("in_service")
    institution = order.institution
    complaint_in_state("closed", order=order, result="upheld")
    institution.refresh_from_db()
    assert institution.upheld_complaint_count == 1
    # Another order of the same institution, closed as not upheld, does not count.
    second = order_in_state("completed", institution=people(order)["institution"], service=order.service)
    complaint_in_state("closed", order=second, result="rejected")
    institution.refresh_from_db()
    assert institution.upheld_complaint_count == 1
    closed = Complaint.objects.filter(status="closed")
    assert set(closed.values_list("result", flat=True)) == {"upheld", "rejected"}
    assert all(c.closed_at for c in closed)


def test_closing_or_withdrawing_resumes_the_orders_timers():
    complaint = complaint_in_state("processing")
    assert Order.objects.get(pk=complaint.order_id).timers_paused
    admin = complaint.logs.get(event="taken_up").actor
    complaint_close(complaint=complaint, actor=admin, result=ComplaintResult.REJECTED, handling="不成立。")
    assert not Order.objects.get(pk=complaint.order_id).timers_paused


# Timers ------------------------------------------------------------------------------------------


def test_an_open_complaint_pauses_the_order_timers(settings):
    """A completed order is not accepted automatically while its complaint is open. When the
    complaint ends, the acceptance deadline runs again in full: not at once, but after it."""
    settings.ORDER_CHECK_DAYS = 7
    complaint = complaint_in_state("submitted", order_state="completed")
    order = complaint.order
    Order.objects.filter(pk=order.pk).update(completed_at=timezone.now() - timedelta(days=30))
    order_timers(now=timezone.now())
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED  # long overdue, but paused

    complaint_withdraw(complaint=complaint, actor=order.placed_by)
    order_timers(now=timezone.now() + timedelta(days=6))
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED  # the deadline restarted when the complaint ended
    order_timers(now=timezone.now() + timedelta(days=8))
    order.refresh_from_db()
    assert order.status == OrderStatus.CHECKED


def test_no_reply_in_time_escalates_the_complaint(settings):
    settings.COMPLAINT_REPLY_DAYS = 3
    admin = make_window_admin("yinchuan")
    complaint = complaint_in_state("submitted")
    replied = complaint_in_state("responded")
    assert complaint_timers(now=timezone.now() + timedelta(days=2)) == []
    done = complaint_timers(now=timezone.now() + timedelta(days=4))
    assert done == [f"{complaint.number}: escalated"]
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.PROCESSING and complaint.escalated
    log = complaint.logs.last()
    assert (log.actor, log.event, log.from_status, log.to_status) == (None, "escalated", "submitted", "processing")
    assert Notification.objects.filter(recipient=admin, title__contains=complaint.order.number).exists()
    replied.refresh_from_db()
    assert replied.status == ComplaintStatus.RESPONDED
    # Idempotent: nothing left to do.
    assert complaint_timers(now=timezone.now() + timedelta(days=5)) == []
    assert complaint.logs.count() == 2
    # The escalated complaint is then closed like any other.
    complaint_close(complaint=complaint, actor=admin, result=ComplaintResult.UPHELD, handling="成立。")
    assert Organisation.objects.get(pk=complaint.order.institution_id).upheld_complaint_count == 1


def test_run_timers_command_escalates(settings):
    from django.core.management import call_command

    settings.COMPLAINT_REPLY_DAYS = 0
    complaint = complaint_in_state("submitted")
    Complaint.objects.filter(pk=complaint.pk).update(reply_due_at=timezone.now() - timedelta(minutes=1))
    call_command("run_timers")
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.PROCESSING


def test_overdue_lists_open_complaints_without_a_reply_past_the_deadline():
    late = complaint_in_state("submitted")
    on_time = complaint_in_state("submitted")
    answered = complaint_in_state("responded")
    past = timezone.now() - timedelta(hours=1)
    Complaint.objects.filter(pk__in=[late.pk, answered.pk]).update(reply_due_at=past)
    assert list(Complaint.objects.overdue()) == [late]
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.is_overdue and not on_time.is_overdue
