"""Complaints and reviews in a given state, made with the real actions (issue 7)."""

from complaints.actions import complaint_close, complaint_file, complaint_reply, complaint_take_up, complaint_withdraw
from complaints.models import Complaint, ComplaintResult, ComplaintType
from smeportal.uploads import clean_image_upload
from tests.factories import make_window_admin, order_in_state, organisation_user, png_upload

COMPLAINT_STATES = ["submitted", "responded", "processing", "closed", "withdrawn"]


def photo():
    """A complaint photo as the form hands it to the action: checked and re-encoded."""
    return clean_image_upload(png_upload())


def people(order):
    return {
        "enterprise": order.placed_by,
        "institution": organisation_user(order.institution),
    }


def complaint_in_state(
    state: str = "submitted", *, order=None, order_state: str = "in_service", admin=None, photos=0, result="upheld"
) -> Complaint:
    """A complaint moved to `state` through the actions; the order defaults to one in service (window yinchuan)."""
    order = order or order_in_state(order_state)
    who = people(order)
    complaint = complaint_file(
        order=order,
        actor=who["enterprise"],
        complaint_type=ComplaintType.QUALITY,
        reason="检测报告数据与样品明显不符。",
        photos=[photo() for _ in range(photos)],
    )
    if state == "withdrawn":
        complaint_withdraw(complaint=complaint, actor=who["enterprise"], reason="已与机构协商解决。")
    elif state in ("responded", "processing", "closed"):
        complaint_reply(complaint=complaint, actor=who["institution"], reply="已安排重新检测。")
        if state in ("processing", "closed"):
            admin = admin or make_window_admin("yinchuan")
            complaint_take_up(complaint=complaint, actor=admin)
            if state == "closed":
                complaint_close(
                    complaint=complaint,
                    actor=admin,
                    result=ComplaintResult.UPHELD if result == "upheld" else ComplaintResult.REJECTED,
                    handling="经核实，机构检测流程存在问题。",
                )
    elif state != "submitted":
        raise ValueError(state)
    complaint.refresh_from_db()
    assert complaint.status == state
    return complaint
