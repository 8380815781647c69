"""The default early-warning rules of issue 8 (admins may change them; idempotent)."""

from django.db import migrations

DEFAULT_RULES = [
    # code, name, indicator, comparison, threshold, level, extra
    ("revenue_yoy", "营业收入同比下降≥30%", "revenue", "yoy", "30", "orange", {}),
    ("employees_qoq", "从业人数环比（季度）下降≥20%", "employees", "qoq", "20", "yellow", {}),
    ("missed_reports", "连续两期未填报", "missed_reports", "absolute", "2", "blue", {}),
    ("tax_yoy", "纳税总额同比下降≥50%", "tax", "yoy", "50", "red", {}),
    ("institution_complaints", "90天内投诉成立≥2件", "upheld_complaints", "absolute", "2", "orange", {"window_days": 90}),
    ("institution_score", "评价平均分低于3分（至少5条评价）", "average_score", "absolute", "3", "orange", {"min_count": 5}),
]


def create_rules(apps, schema_editor):
    rule = apps.get_model("supervision", "WarningRule")
    for order, (code, name, indicator, comparison, threshold, level, extra) in enumerate(DEFAULT_RULES):
        rule.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "indicator": indicator,
                "comparison": comparison,
                "threshold": threshold,
                "level": level,
                "sort_order": order,
                **extra,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
