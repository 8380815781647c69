import factory
from factory.django import DjangoModelFactory

from accounts.models import Organisation, OrganisationKind, Role, User
from notifications.models import Notification
from windows.models import Announcement, Window, WindowAdministrator

PASSWORD = "Test-pass-2026"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.ENTERPRISE
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    contact_name = "张三"
    mobile = factory.Sequence(lambda n: f"139{n:08d}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = ""
    role = Role.STAFF
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class EnterpriseUserFactory(UserFactory):
    role = Role.ENTERPRISE
    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.ENTERPRISE)


class InstitutionUserFactory(UserFactory):
    role = Role.INSTITUTION
    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=OrganisationKind.INSTITUTION,
        name=factory.Sequence(lambda n: f"测试服务机构{n}"),
    )


class StaffUserFactory(UserFactory):
    is_staff = True


class HubAdminFactory(StaffUserFactory):
    is_superuser = True


def window(slug: str) -> Window:
    """The windows come from a data migration; tests look them up by slug."""
    return Window.objects.get(slug=slug)


def make_window_admin(*slugs: str) -> User:
    user = StaffUserFactory()
    for slug in slugs:
        WindowAdministrator.objects.create(user=user, window=window(slug))
    return user


class AnnouncementFactory(DjangoModelFactory):
    class Meta:
        model = Announcement

    window = factory.LazyFunction(lambda: window("yinchuan"))
    title = factory.Sequence(lambda n: f"公告{n}")
    body = "公告内容"


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(EnterpriseUserFactory)
    title = factory.Sequence(lambda n: f"消息{n}")
    body = "消息内容"
