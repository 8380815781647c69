from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "scorecards"
    verbose_name = _("Institution scorecards")

    def ready(self):
        from services.institution_sections import register_institution_section

        from . import selectors

        # First on the institution's page, above the reviews (order 10).
        register_institution_section(
            order=5,
            template="scorecards/_institution_scorecard.html",
            context=lambda request, institution: selectors.scorecard_section(institution),
        )
