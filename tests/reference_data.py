"""The rows the data migrations create (windows, service domains, categories,
the default warning rules, the help centre and site information).

A transactional test (browser journeys, race tests) ends with a flush, which
takes these rows too. They are put back with the migrations' own idempotent
functions: before each browser test, and once at the start of every session, so
a database kept with --reuse-db after such a flush is whole again.
"""

from importlib import import_module

from django.apps import apps

SEEDS = [
    ("windows.migrations.0002_create_hub_and_windows", "create_windows"),
    ("certification.migrations.0002_service_domains", "create_domains"),
    ("services.migrations.0002_categories", "create_categories"),
    ("supervision.migrations.0002_default_warning_rules", "create_rules"),
    ("portal.migrations.0002_seed_help_and_site_settings", "seed"),
]


def reseed() -> None:
    for module, function in SEEDS:
        getattr(import_module(module), function)(apps, None)
