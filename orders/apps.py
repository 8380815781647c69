from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Order management")

    def ready(self):
        from accounts.menu import register
        from accounts.models import Role
        from smeportal.pagecache import invalidate_private_on, org_scope

        from .models import Order, OrderAttachment, OrderLog

        # 我申请的订单, 收到的订单 and order detail are cached per user (smeportal.pagecache):
        # an order, its timeline or its attachments changing renews both sides' pages.
        def both_sides(order):
            return [org_scope(order.enterprise_id), org_scope(order.institution_id)]

        invalidate_private_on(Order, both_sides)
        invalidate_private_on(OrderLog, lambda log: both_sides(log.order))
        invalidate_private_on(OrderAttachment, lambda attachment: both_sides(attachment.order))

        enterprise = [
            ("My orders", "orders:list", None),
            ("Orders in service", "orders:tab", "in_service"),
            ("Completed orders", "orders:tab", "completed"),
            ("Accepted orders", "orders:tab", "checked"),
            ("Orders to review", "orders:tab", "to_review"),
        ]
        institution = [
            ("Orders received", "orders:list", None),
            ("Orders awaiting acceptance", "orders:tab", "submitted"),
            ("Orders in service", "orders:tab", "in_service"),
            ("Completed orders", "orders:tab", "completed"),
            ("Accepted orders", "orders:tab", "checked"),
            ("Orders to review", "orders:tab", "to_review"),
        ]
        labels = {
            "My orders": _("My orders"),
            "Orders received": _("Orders received"),
            "Orders awaiting acceptance": _("Orders awaiting acceptance"),
            "Orders in service": _("Orders in service"),
            "Completed orders": _("Completed orders"),
            "Accepted orders": _("Accepted orders"),
            "Orders to review": _("Orders to review"),
        }
        for role, items in ((Role.ENTERPRISE, enterprise), (Role.INSTITUTION, institution)):
            for order, (label, url_name, tab) in enumerate(items):
                register(
                    section="orders",
                    label=labels[label],
                    url_name=url_name,
                    url_args=(tab,) if tab else (),
                    roles=[role],
                    order=order,
                )
