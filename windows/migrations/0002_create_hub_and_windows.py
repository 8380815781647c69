"""The hub platform and its windows, as the manual's overview lists them."""

from django.db import migrations

HUB = {
    "kind": "hub",
    "name": "银川市中小企业公共综合服务窗口平台",
    "slug": "yinchuan",
    "description": "银川中小企业公共服务平台为中心枢纽，与各区县窗口和产业集群窗口互联互通、资源共享，"
    "统筹全区优势服务资源，为中小企业提供查找、申请、发布各项服务的一站式入口。",
}

REGIONAL = [
    ("兴庆区中小企业服务窗口", "xingqing", "xingqing"),
    ("金凤区中小企业服务窗口", "jinfeng", "jinfeng"),
    ("西夏区中小企业服务窗口", "xixia", "xixia"),
    ("永宁县中小企业服务窗口", "yongning", "yongning"),
    ("贺兰县中小企业服务窗口", "helan", "helan"),
    ("灵武市中小企业服务窗口", "lingwu", "lingwu"),
]

INDUSTRY = [
    ("枸杞产业集群窗口", "goji", "服务枸杞种植、加工、流通与品牌建设企业。"),
    ("葡萄酒产业集群窗口", "wine", "服务贺兰山东麓葡萄种植、酿造与酒庄文旅企业。"),
    ("宁东能源化工产业集群窗口", "ningdong", "服务宁东能源化工基地的煤化工、新材料及配套企业。"),
]


def create_windows(apps, schema_editor):
    Window = apps.get_model("windows", "Window")
    Window.objects.update_or_create(slug=HUB["slug"], defaults={**HUB, "sort_order": 0})
    for order, (name, slug, district) in enumerate(REGIONAL, start=10):
        Window.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": "regional",
                "name": name,
                "district": district,
                "sort_order": order,
                "description": f"面向{name[:3]}中小企业的综合服务窗口。",
            },
        )
    for order, (name, slug, description) in enumerate(INDUSTRY, start=30):
        Window.objects.update_or_create(
            slug=slug,
            defaults={"kind": "industry", "name": name, "sort_order": order, "description": description},
        )


def remove_windows(apps, schema_editor):
    Window = apps.get_model("windows", "Window")
    slugs = [HUB["slug"]] + [slug for _, slug, _ in REGIONAL] + [slug for _, slug, _ in INDUSTRY]
    Window.objects.filter(slug__in=slugs).delete()


class Migration(migrations.Migration):
    dependencies = [("windows", "0001_initial")]

    operations = [migrations.RunPython(create_windows, remove_windows)]
