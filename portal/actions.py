from django.core.cache import cache
from django.db import transaction

from .models import SiteSettings
from .selectors import SITE_SETTINGS_CACHE_KEY


def site_settings_save(*, settings: SiteSettings, fields: list[str] | None = None) -> SiteSettings:
    """Save the site information; every page shows the new text from the next request on."""
    settings.pk = 1
    settings.save(update_fields=fields) if fields else settings.save()
    transaction.on_commit(lambda: cache.delete(SITE_SETTINGS_CACHE_KEY))
    return settings
