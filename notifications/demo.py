"""A welcome message for each demo account, so the message centre is not empty."""

from accounts.models import User

from .actions import notify

WELCOME_TITLE = "欢迎使用银川中小企业公共综合服务窗口平台"


def load(stdout):
    for user in User.objects.filter(username__in=["demo_enterprise", "demo_institution"]):
        if not user.notifications.filter(title=WELCOME_TITLE).exists():
            notify(
                recipient=user,
                title=WELCOME_TITLE,
                body="平台上线试运行。您可在用户中心查看账户信息，在【消息中心】接收平台通知。",
                url="/accounts/center/",
            )
    return []
