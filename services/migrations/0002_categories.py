"""The two-level service categories: the standard fields of SME public service
(the certification app's service domains) and a handful of sub-categories each."""

from django.db import migrations

CATEGORIES = [
    ("information", "信息服务", [
        ("policy", "政策咨询与申报"), ("it", "信息化建设"), ("data", "数据与软件服务"), ("ecommerce", "电子商务服务"),
    ]),
    ("financing", "融资服务", [
        ("guarantee", "融资担保"), ("credit", "银行信贷对接"), ("equity", "股权融资"), ("leasing", "融资租赁"),
    ]),
    ("startup", "创业服务", [
        ("mentoring", "创业辅导"), ("registration", "工商注册代办"), ("incubation", "创业孵化"), ("training", "创业培训"),
    ]),
    ("talent_training", "人才与培训", [
        ("skills", "职业技能培训"), ("management", "管理培训"), ("recruiting", "人才招聘"), ("outsourcing", "人力资源外包"),
    ]),
    ("technology_quality", "技术创新与质量", [
        ("testing", "检验检测"), ("certification", "认证认可"), ("ip", "知识产权服务"), ("transfer", "技术转移"),
        ("design", "研发设计"),
    ]),
    ("management_consulting", "管理咨询", [
        ("strategy", "战略咨询"), ("finance_tax", "财务与税务咨询"), ("hr", "人力资源咨询"), ("quality", "质量管理体系"),
    ]),
    ("market_development", "市场开拓", [
        ("exhibition", "展会服务"), ("brand", "品牌策划"), ("online", "电商运营"), ("export", "外贸服务"),
    ]),
    ("legal", "法律服务", [
        ("counsel", "常年法律顾问"), ("contract", "合同审查"), ("ip_law", "知识产权法律服务"), ("labour", "劳动争议"),
        ("mediation", "商事调解与仲裁"),
    ]),
]


def create_categories(apps, schema_editor):
    ServiceCategory = apps.get_model("services", "ServiceCategory")
    ServiceDomain = apps.get_model("certification", "ServiceDomain")
    for order, (code, name, children) in enumerate(CATEGORIES, start=1):
        parent, _ = ServiceCategory.objects.update_or_create(
            code=code,
            defaults={"name": name, "sort_order": order * 10, "domain": ServiceDomain.objects.filter(code=code).first()},
        )
        for child_order, (child_code, child_name) in enumerate(children, start=1):
            ServiceCategory.objects.update_or_create(
                code=f"{code}-{child_code}",
                defaults={"name": child_name, "parent": parent, "sort_order": child_order * 10},
            )


def remove_categories(apps, schema_editor):
    ServiceCategory = apps.get_model("services", "ServiceCategory")
    ServiceCategory.objects.filter(parent__isnull=False).delete()
    ServiceCategory.objects.filter(code__in=[code for code, _, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial"), ("certification", "0002_service_domains")]

    operations = [migrations.RunPython(create_categories, remove_categories)]
