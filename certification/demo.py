"""Certified demo organisations, window memberships, and one application waiting for review."""

import io
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from accounts.actions import organisation_register
from accounts.demo import DEMO_PASSWORD
from accounts.models import OrganisationKind, User
from windows.actions import membership_apply, membership_approve
from windows.models import Window

from .actions import application_approve, application_save_draft, application_start, application_submit
from .models import ServiceDomain
from .selectors import approved_application

PROFILES = {
    "demo_enterprise": {
        "name": "银川塞上枸杞食品有限公司",
        "credit_code": "91330100799655058B",
        "legal_representative": "王丽",
        "registered_capital": Decimal("500.00"),
        "established_on": date(2012, 5, 18),
        "enterprise_type": "limited",
        "district": "xingqing",
        "industry": "C",
        "scale": "small",
        "employees": 86,
        "registered_address": "银川市兴庆区丽景北街 88 号",
        "business_scope": "枸杞干果、枸杞原浆的加工与销售。",
        "contact_name": "王丽",
        "mobile": "13895000001",
        "introduction": "专注宁夏枸杞深加工十余年的小型企业。",
    },
    "demo_institution": {
        "name": "宁夏贺兰山管理咨询有限公司",
        "credit_code": "914403001922038216",
        "legal_representative": "李强",
        "registered_capital": Decimal("200.00"),
        "established_on": date(2009, 9, 1),
        "institution_type": "enterprise",
        "district": "jinfeng",
        "service_area": "银川市全域",
        "registered_address": "银川市金凤区北京中路 168 号",
        "business_scope": "企业管理咨询、财税咨询、人才培训。",
        "contact_name": "李强",
        "landline": "0951-5012345",
        "mobile": "13895000002",
        "introduction": "为中小企业提供管理咨询、财税规划与人才培训服务。",
    },
}
DEMO_WINDOWS = ["yinchuan", "jinfeng", "goji"]
PENDING = ("demo_pending", "宁夏星火知识产权服务中心", "赵敏", "13895000003")


def licence_image(text: str) -> ContentFile:
    """A stand-in licence picture, drawn here so the demo ships no binary files."""
    image = Image.new("RGB", (640, 420), "#fdf6e3")
    draw = ImageDraw.Draw(image)
    draw.rectangle((10, 10, 629, 409), outline="#b3261e", width=6)
    draw.text((40, 60), "DEMO LICENCE", fill="#b3261e")
    draw.text((40, 120), text, fill="#333333")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return ContentFile(buffer.getvalue(), name="demo-licence.png")


def certify(user, profile, reviewer, domain_codes=("management_consulting", "talent_training")):
    """Certify through the real actions; `reviewer` None leaves it 待审核."""
    application = application_start(organisation=user.organisation, actor=user)
    for name, value in profile.items():
        setattr(application, name, value)
    application.licence = licence_image(profile["credit_code"])
    domains = ServiceDomain.objects.filter(code__in=domain_codes)
    application_save_draft(
        application=application,
        actor=user,
        service_domains=domains if application.is_institution else None,
    )
    application_submit(application=application, actor=user)
    if reviewer is not None:
        application_approve(application=application, actor=reviewer)


def load(stdout):
    admin = User.objects.get(username="admin")
    for username, profile in PROFILES.items():
        user = User.objects.get(username=username)
        if approved_application(user.organisation) is None:
            certify(user, profile, admin)
    institution = User.objects.get(username="demo_institution")
    if not institution.organisation.window_memberships.exists():
        windows = list(Window.objects.filter(slug__in=DEMO_WINDOWS))
        for membership in membership_apply(organisation=institution.organisation, windows=windows, actor=institution):
            membership_approve(membership=membership, actor=admin)

    username, name, contact, mobile = PENDING
    pending, created = User.objects.get_or_create(username=username)
    if created:
        pending.set_password(DEMO_PASSWORD)
        pending.save(update_fields=["password"])
        organisation_register(
            user=pending, kind=OrganisationKind.INSTITUTION, name=name, contact_name=contact, mobile=mobile
        )
        profile = {
            **PROFILES["demo_institution"],
            "name": name,
            "credit_code": "91440300192317458F",
            "legal_representative": contact,
            "district": "xingqing",
            "contact_name": contact,
            "mobile": mobile,
            "introduction": "专利、商标代理与知识产权咨询。",
        }
        certify(pending, profile, reviewer=None)  # left 待审核 for the reviewers
    return [("Institution, certification pending (待审核)", username, DEMO_PASSWORD)]
