"""Policies of 兴庆区, drafted by its window administrator: two approved by the hub
administrator (one for small manufacturers, one for every SME of the district; both
fit demo_enterprise) and one waiting for review."""

import datetime

from django.utils import timezone

from accounts.models import User
from services.models import ServiceCategory
from windows.models import Window

from .actions import policy_approve, policy_save, policy_submit
from .models import Policy, PolicyCategory

POLICIES = [
    {
        "slug": "xingqing",
        "title": "兴庆区小型制造业企业技术改造资金扶持申报指南",
        "issuing_body": "兴庆区工业和信息化局",
        "document_number": "兴工信发〔2026〕12号",
        "category": PolicyCategory.FUNDING,
        "body": "<p>对兴庆区内经认证的小型制造业企业实施的技术改造项目，按设备投资额的 10% 给予补助，"
        "单个企业最高 50 万元。</p><h3>申报条件</h3><ul><li>注册地在兴庆区；</li><li>属于制造业（C 门类）小型企业；"
        "</li><li>已在本平台完成认证。</li></ul>",
        "deadline_days": 30,
        "target_districts": ["xingqing"],
        "target_industries": ["C"],
        "target_scales": ["small"],
        "categories": ["technology_quality"],
        "publish": True,
    },
    {
        "slug": "xingqing",
        "title": "兴庆区中小企业融资担保费补贴政策",
        "issuing_body": "兴庆区财政局",
        "document_number": "兴财发〔2026〕8号",
        "category": PolicyCategory.FINANCING,
        "body": "<p>对通过融资担保机构获得贷款的兴庆区认证中小企业，按担保费的 50% 给予补贴。</p>",
        "deadline_days": 60,
        "target_districts": ["xingqing"],
        "target_industries": [],
        "target_scales": ["small", "micro", "medium"],
        "categories": ["financing"],
        "publish": True,
    },
    {
        "slug": "xingqing",
        "title": "兴庆区中小企业人才引进奖励办法（征求意见稿）",
        "issuing_body": "兴庆区人力资源和社会保障局",
        "document_number": "",
        "category": PolicyCategory.TALENT,
        "body": "<p>对引进高层次人才的中小企业给予一次性奖励。</p>",
        "deadline_days": None,
        "target_districts": ["xingqing"],
        "target_industries": [],
        "target_scales": [],
        "categories": [],
        "publish": False,
    },
]


def load(stdout):
    window_admin = User.objects.get(username="xingqing_admin")
    hub_admin = User.objects.get(username="admin")
    today = timezone.localdate()
    for spec in POLICIES:
        if Policy.objects.filter(title=spec["title"]).exists():
            continue
        author = window_admin
        deadline = today + datetime.timedelta(days=spec["deadline_days"]) if spec["deadline_days"] else None
        policy = policy_save(
            policy=Policy(
                window=Window.objects.get(slug=spec["slug"]),
                title=spec["title"],
                issuing_body=spec["issuing_body"],
                document_number=spec["document_number"],
                category=spec["category"],
                body=spec["body"],
                application_deadline=deadline,
                target_districts=spec["target_districts"],
                target_industries=spec["target_industries"],
                target_scales=spec["target_scales"],
            ),
            actor=author,
        )
        policy.related_categories.set(ServiceCategory.objects.filter(code__in=spec["categories"]))
        policy_submit(policy=policy, actor=author)
        if spec["publish"]:
            # A policy is published by an administrator other than its author.
            policy_approve(policy=policy, actor=hub_admin)
    return []
