"""Demo complaints of demo_enterprise: one answered by the institution, one closed by the administrator."""

from accounts.models import User
from orders.models import Order, OrderStatus

from . import actions
from .models import Complaint, ComplaintResult, ComplaintType


def load(stdout):
    enterprise = User.objects.get(username="demo_enterprise")
    if Complaint.objects.filter(order__enterprise=enterprise.organisation).exists():
        return []
    admin = User.objects.get(username="admin")
    orders = Order.objects.filter(enterprise=enterprise.organisation).select_related("institution")
    in_service = orders.filter(status=OrderStatus.IN_SERVICE).first()
    if in_service is not None:
        complaint = actions.complaint_file(
            order=in_service,
            actor=enterprise,
            complaint_type=ComplaintType.DELAY,
            reason="约定两周内提交汇算清缴方案，已超过一周仍未收到，电话也联系不上经办人。",
        )
        institution_user = in_service.institution.users.filter(is_active=True).first()
        actions.complaint_reply(
            complaint=complaint,
            actor=institution_user,
            reply="非常抱歉，经办人出差导致延误，方案将于三个工作日内提交，并安排专人对接。",
        )
    checked = orders.filter(status=OrderStatus.CHECKED).first()
    if checked is not None:
        complaint = actions.complaint_file(
            order=checked,
            actor=enterprise,
            complaint_type=ComplaintType.FEES,
            reason="验收后又被要求支付额外的加急费用，合同中并无此项约定。",
        )
        actions.complaint_take_up(complaint=complaint, actor=admin, note="已联系双方核实合同条款。")
        actions.complaint_close(
            complaint=complaint,
            actor=admin,
            result=ComplaintResult.UPHELD,
            handling="经核实合同未约定加急费，已责成机构退还该笔费用，并记入机构投诉记录。",
        )
    return []
