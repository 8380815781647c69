from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Review management")

    def ready(self):
        from accounts.menu import register
        from services.institution_sections import register_institution_section

        from . import selectors

        # 待评价的订单 lives under 订单管理 only (manual 2.6): one entry, not two.
        register(section="reviews", label=_("My reviews"), url_name="reviews:written", order=10)
        register(section="reviews", label=_("Reviews of me"), url_name="reviews:received", order=20)
        register_institution_section(
            order=10,
            template="reviews/_institution_reviews.html",
            context=lambda request, institution: {"reviews": selectors.public_reviews(institution)},
        )
