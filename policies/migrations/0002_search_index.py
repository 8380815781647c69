from django.db import migrations

from smeportal.search import create_gin_index


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0001_initial"),
    ]

    operations = [
        # 政策法规's keyword search (PostgreSQL only; SQLite searches by substring).
        create_gin_index("policies_policy", "search_vector", "policy_search_gin"),
    ]
