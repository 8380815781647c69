from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemandsConfig(AppConfig):
    name = "demands"
    verbose_name = _("Service demands")

    def ready(self):
        from smeportal.pagecache import invalidate_on

        from .models import Bid, Demand

        # 需求大厅 shows open demands and their bid counts.
        invalidate_on(Demand, Bid)
        from accounts.menu import register
        from accounts.models import Role
        from windows.sections import register_section

        from . import selectors

        register_section(
            order=25,
            template="demands/_window_demands.html",
            context=lambda request, window: {"open_demands": selectors.newest_open_demands(limit=6, window=window)},
        )
        register(
            section="demands",
            label=_("Publish a demand"),
            url_name="demands:publish",
            roles=[Role.ENTERPRISE],
            order=30,
        )
        register(section="demands", label=_("My demands"), url_name="demands:mine", roles=[Role.ENTERPRISE], order=40)
        register(section="demands", label=_("Demand hall"), url_name="demands:hall", order=50)
        register(section="demands", label=_("My bids"), url_name="demands:my_bids", roles=[Role.INSTITUTION], order=60)
