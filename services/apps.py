from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "services"
    verbose_name = _("Service catalogue")

    def ready(self):
        from smeportal.pagecache import invalidate_on

        from .models import InstitutionScorecard, Service, ServiceCategory

        invalidate_on(Service, Service.windows.through, ServiceCategory, InstitutionScorecard)
        from accounts.menu import register
        from accounts.models import Role
        from windows.sections import register_section

        from . import selectors

        register_section(
            order=10,
            template="services/_home_categories.html",
            context=lambda request, window: {"categories": selectors.category_tree()},
            on_window=False,
        )
        register_section(
            order=20,
            template="services/_window_services.html",
            context=lambda request, window: {"services": selectors.newest_services(limit=6, window=window)},
        )
        register_section(
            order=30,
            template="services/_window_institutions.html",
            context=lambda request, window: {"institutions": selectors.member_institutions(window)},
            on_home=False,
        )

        register(section="demands", label=_("Find services"), url_name="services:list", order=10)
        register(section="demands", label=_("Find institutions"), url_name="services:institutions", order=20)
        register(
            section="services",
            label=_("Publish a service"),
            url_name="services:create",
            roles=[Role.INSTITUTION],
            order=10,
        )
        register(
            section="services", label=_("My services"), url_name="services:manage", roles=[Role.INSTITUTION], order=20
        )
