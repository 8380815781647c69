from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmeportalConfig(AppConfig):
    name = "smeportal"
    verbose_name = _("Platform")  # the admin's heading for the form-submission records

    def ready(self):
        # Counting is not business logic: every FSM transition of every app is counted
        # for Prometheus, whichever action made it.
        from django_fsm.signals import post_transition

        from smeportal.metrics import count_transition

        post_transition.connect(count_transition, dispatch_uid="smeportal.metrics.count_transition")
