from django.utils.functional import SimpleLazyObject

from .selectors import site_settings as cached_site_settings


def site_settings(request):
    """The footer's and the help centre's site information (cached; read only when shown)."""
    return {"site_settings": SimpleLazyObject(cached_site_settings)}
