from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts import views as account_views
from smeportal.accessibility import care_mode_toggle
from smeportal.metrics import metrics_view
from windows import views as window_views

admin.site.site_header = _("Yinchuan SME Public Service Window Platform admin")
admin.site.site_title = _("Yinchuan SME Public Service Window Platform admin")
admin.site.index_title = _("Administration")
# The admin logs in through the site's login: the same captcha and throttling.
admin.site.login = secure_admin_login(admin.site.login)

# A body above REQUEST_BODY_MAX_BYTES is refused with a 413 page (smeportal.upload_limits).
handler400 = "smeportal.upload_limits.bad_request"

urlpatterns = [
    path("", window_views.home, name="home"),
    path("terms/", account_views.terms, name="terms"),
    path("care-mode/", care_mode_toggle, name="care_mode"),
    path("windows/", include("windows.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/signup/", account_views.signup_redirect, name="account_signup"),
    path("accounts/", include("allauth.urls")),
    path("messages/", include("notifications.urls")),
    path("certification/", include("certification.urls")),
    path("services/", include("services.urls")),
    path("orders/", include("orders.urls")),
    path("vouchers/", include("vouchers.urls")),
    path("reimbursements/", include("reimbursements.urls")),
    path("policies/", include("policies.urls")),
    path("demands/", include("demands.urls")),
    path("supervision/", include("supervision.urls")),
    path("complaints/", include("complaints.urls")),
    path("reviews/", include("reviews.urls")),
    path("scorecards/", include("scorecards.urls")),
    path("", include("portal.urls")),
    path("captcha/", include("captcha.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# Issue 15: Prometheus' scrape endpoint (internal networks only), and a database
# that does not answer shown as a clean 503 page.
urlpatterns.append(path("metrics", metrics_view, name="metrics"))
handler500 = "smeportal.unavailable.handler500"
