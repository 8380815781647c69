"""Demo accounts: an enterprise, an institution and the platform administrator."""

from .actions import organisation_register
from .models import OrganisationKind, Role, User

DEMO_PASSWORD = "Demo2026!yc"

ORGANISATIONS = [
    (
        "demo_enterprise",
        OrganisationKind.ENTERPRISE,
        "银川塞上枸杞食品有限公司",
        "王丽",
        "13895000001",
        "Enterprise (企业用户)",
    ),
    (
        "demo_institution",
        OrganisationKind.INSTITUTION,
        "宁夏贺兰山管理咨询有限公司",
        "李强",
        "13895000002",
        "Institution (服务机构)",
    ),
]


def load(stdout):
    logins = []
    for username, kind, name, contact, mobile, label in ORGANISATIONS:
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            organisation_register(user=user, kind=kind, name=name, contact_name=contact, mobile=mobile)
        logins.append((label, username, DEMO_PASSWORD))

    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "role": Role.STAFF},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    logins.append(("Hub administrator (平台管理员)", "admin", DEMO_PASSWORD))
    return logins
