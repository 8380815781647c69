from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReimbursementsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reimbursements"
    verbose_name = _("voucher reimbursements")

    def ready(self):
        from accounts.menu import register
        from accounts.models import Role

        register(
            section="orders",
            label=_("Reimbursement management"),
            url_name="reimbursements:list",
            roles=[Role.INSTITUTION],
            order=20,
        )
