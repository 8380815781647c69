import os
import shutil

import pytest
from django.core.cache import cache
from django.db import connection

from tests import factories

# Playwright runs an event loop in the test thread; Django must still allow
# the synchronous ORM calls that the tests and live_server make there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A reused test database may have lost the data-migration rows to the flush
    at the end of a transactional test in an earlier run: put them back."""
    from tests.reference_data import reseed

    with django_db_blocker.unblock():
        reseed()


@pytest.fixture
def race_db(transactional_db, settings, tmp_path):
    """For race tests: real transactions (threads see each other's commits). The flush
    that ends such a test takes the data-migration rows, so they are put back first."""
    from tests.reference_data import reseed

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    reseed()


@pytest.fixture(autouse=True)
def _clear_cache():
    # Login throttling counts in the cache; every test starts with none.
    from smeportal.pagecache import local_pages, pending_scopes, private_pages

    cache.clear()
    local_pages.clear()
    private_pages.clear()
    pending_scopes().clear()  # a test's rolled-back writes renew nothing in the next one
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL (CI runs these)")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Browser tests run last: live_server flushes the database after each one,
    which would take the data-migration rows (windows, categories) from any
    database test that pytest-django could not recognise as one and ran later."""
    browser = [item for item in items if "e2e" in item.nodeid.split("/")]
    for item in browser:
        item.add_marker(pytest.mark.e2e)
    items[:] = [item for item in items if item not in browser] + browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded build (there is no internet here)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: CI must run the browser tests (see .ci/run).")
        pytest.skip(f"Chromium not found at {CHROMIUM}: install it with `apt-get install chromium`.")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def enterprise_user(db):
    return factories.EnterpriseUserFactory()


@pytest.fixture
def institution_user(db):
    return factories.InstitutionUserFactory()


@pytest.fixture
def hub_admin(db):
    return factories.HubAdminFactory()


@pytest.fixture
def enterprise_client(client, enterprise_user):
    client.force_login(enterprise_user)
    return client


@pytest.fixture
def institution_client(client, institution_user):
    client.force_login(institution_user)
    return client
