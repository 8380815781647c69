from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        from accounts.menu import register
        from accounts.models import Role
        from smeportal.pagecache import invalidate_private_on, org_scope

        from .models import Complaint, ComplaintLog

        # The order pages show 投诉 and "complaint open" by the order's complaints.
        def both_sides(complaint):
            order = complaint.order
            return [org_scope(order.enterprise_id), org_scope(order.institution_id)]

        invalidate_private_on(Complaint, both_sides)
        invalidate_private_on(ComplaintLog, lambda log: both_sides(log.complaint))

        register(section="complaints", label=_("My complaints"), url_name="complaints:list", roles=[Role.ENTERPRISE])
        register(
            section="complaints",
            label=_("Complaints received"),
            url_name="complaints:list",
            roles=[Role.INSTITUTION],
        )
