from importlib import import_module

import pytest
from django.apps import apps


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Browser tests run on a flushed database (live_server needs real
    transactions), which loses the rows of the data migrations. Put them back
    with the migrations' own, idempotent, functions."""
    import_module("windows.migrations.0002_create_hub_and_windows").create_windows(apps, None)
    import_module("certification.migrations.0002_service_domains").create_domains(apps, None)
    import_module("services.migrations.0002_categories").create_categories(apps, None)
    import_module("supervision.migrations.0002_default_warning_rules").create_rules(apps, None)
