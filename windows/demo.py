"""A window administrator for 兴庆区 and a few announcements."""

from accounts.demo import DEMO_PASSWORD
from accounts.models import Role, User

from .actions import announcement_reindex
from .models import Announcement, Window, WindowAdministrator

ANNOUNCEMENTS = [
    ("yinchuan", "银川中小企业公共综合服务窗口平台上线试运行", "新平台已上线试运行，原平台用户请重新注册并完成认证。"),
    ("yinchuan", "关于开展2026年度中小企业服务需求征集的通知", "请各企业登录用户中心，通过【服务需求】发布服务需求。"),
    ("xingqing", "兴庆区窗口服务时间调整", "即日起，兴庆区窗口工作日服务时间为 9:00—17:30。"),
]


def load(stdout):
    user, created = User.objects.get_or_create(
        username="xingqing_admin",
        defaults={"is_staff": True, "role": Role.STAFF, "first_name": "兴庆区窗口管理员"},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    WindowAdministrator.objects.get_or_create(user=user, window=Window.objects.get(slug="xingqing"))
    for slug, title, body in ANNOUNCEMENTS:
        announcement, _created = Announcement.objects.get_or_create(
            window=Window.objects.get(slug=slug), title=title, defaults={"body": body}
        )
        announcement_reindex(announcement=announcement)
    return [("Window administrator (窗口管理员)", "xingqing_admin", DEMO_PASSWORD)]
