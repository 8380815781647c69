from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmeportalConfig(AppConfig):
    name = "smeportal"
    verbose_name = _("Platform")  # the admin's heading for the form-submission records
