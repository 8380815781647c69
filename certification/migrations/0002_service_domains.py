"""服务领域: the standard fields of SME public service."""

from django.db import migrations

DOMAINS = [
    ("information", "信息服务"),
    ("financing", "融资服务"),
    ("startup", "创业服务"),
    ("talent_training", "人才与培训"),
    ("technology_quality", "技术创新与质量"),
    ("management_consulting", "管理咨询"),
    ("market_development", "市场开拓"),
    ("legal", "法律服务"),
]


def create_domains(apps, schema_editor):
    ServiceDomain = apps.get_model("certification", "ServiceDomain")
    for order, (code, name) in enumerate(DOMAINS, start=1):
        ServiceDomain.objects.update_or_create(code=code, defaults={"name": name, "sort_order": order * 10})


def remove_domains(apps, schema_editor):
    apps.get_model("certification", "ServiceDomain").objects.filter(code__in=[c for c, _ in DOMAINS]).delete()


class Migration(migrations.Migration):
    dependencies = [("certification", "0001_initial")]

    operations = [migrations.RunPython(create_domains, remove_domains)]
