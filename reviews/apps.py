from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Review management")

    def ready(self):
        from accounts.menu import register
        from services.institution_sections import register_institution_section
        from smeportal.pagecache import invalidate_private_on, org_scope

        from . import selectors
        from .models import Review, ReviewLog

        # The order pages show 评价 / 追加评价 by the state of the order's reviews.
        def both_sides(review):
            return [org_scope(review.author_organisation_id), org_scope(review.subject_id)]

        invalidate_private_on(Review, both_sides)
        invalidate_private_on(ReviewLog, lambda log: both_sides(log.review))

        # 待评价的订单 lives under 订单管理 only (manual 2.6): one entry, not two.
        register(section="reviews", label=_("My reviews"), url_name="reviews:written", order=10)
        register(section="reviews", label=_("Reviews of me"), url_name="reviews:received", order=20)
        register_institution_section(
            order=10,
            template="reviews/_institution_reviews.html",
            context=lambda request, institution: {"reviews": selectors.public_reviews(institution)},
        )
