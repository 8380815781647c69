from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from smeportal.pagecache import invalidate_on

        from .models import Organisation

        # Cards show an institution's name, district and rating figures.
        invalidate_on(Organisation)
        # A signed-in user's cached pages show their name and role.
        from django.contrib.auth import get_user_model

        from smeportal.pagecache import invalidate_private_on, user_scope

        invalidate_private_on(get_user_model(), lambda user: [user_scope(user.pk)])
        from . import checks  # noqa: F401  (registers the deploy checks)
        from .menu import register
        from .models import Role

        register(
            section="account",
            label=_("Change password"),
            url_name="account_change_password",
            roles=(Role.ENTERPRISE, Role.INSTITUTION, Role.STAFF),
        )
