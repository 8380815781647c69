from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def captcha_test_mode_off(app_configs, **kwargs):
    """The captcha test mode (answer PASSED) must never reach production."""
    if getattr(settings, "CAPTCHA_TEST_MODE", False):
        return [
            Warning(
                "CAPTCHA_TEST_MODE is on: every captcha accepts 'PASSED'.",
                hint="Unset the CAPTCHA_TEST_MODE environment variable; it is for automated tests only.",
                id="smeportal.W001",
            )
        ]
    return []
