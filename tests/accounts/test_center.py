import pytest
from django.urls import reverse

from accounts import menu
from accounts.models import Role
from tests.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def role_specific_entries():
    """Two entries as later apps register them: one per role."""
    saved = list(menu._registry)
    menu.register(section="orders", label="我申请的订单", url_name="home", roles=[Role.ENTERPRISE])
    menu.register(section="orders", label="收到的订单", url_name="home", roles=[Role.INSTITUTION])
    yield
    menu._registry[:] = saved


def test_center_requires_login(client):
    response = client.get(reverse("accounts:center"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_center_shows_the_menu_entries_that_exist(enterprise_client):
    content = enterprise_client.get(reverse("accounts:center")).content.decode()
    assert "消息中心" in content
    assert "站内消息" in content
    assert "修改密码" in content
    for label in ("投诉维权", "我的投诉", "评价管理", "我的评价", "对方的评价"):
        assert label in content


def test_menu_fits_the_role(client, enterprise_user, institution_user, role_specific_entries):
    client.force_login(enterprise_user)
    enterprise_page = client.get(reverse("accounts:center")).content.decode()
    client.force_login(institution_user)
    institution_page = client.get(reverse("accounts:center")).content.decode()
    assert "订单管理" in enterprise_page and "订单管理" in institution_page
    assert "我申请的订单" in enterprise_page and "收到的订单" not in enterprise_page
    assert "收到的订单" in institution_page and "我申请的订单" not in institution_page


def test_menu_sections_keep_the_manual_order(enterprise_user, role_specific_entries):
    titles = [str(section["title"]) for section in menu.menu_for(enterprise_user)]
    # The manual's sections in its order, with 政策法规 (issue 17, not in the manual) before 消息中心.
    assert titles == [
        "认证中心",
        "服务需求",
        "订单管理",
        "投诉维权",
        "评价管理",
        "企业信息",
        "政策法规",
        "消息中心",
        "账户设置",
    ]


def test_header_shows_register_and_login_to_visitors(client):
    content = client.get(reverse("home")).content.decode()
    assert "免费注册" in content
    assert "登录" in content
    assert "用户中心" not in content


def test_header_shows_name_center_logout_and_unread_count(enterprise_client, enterprise_user):
    NotificationFactory.create_batch(3, recipient=enterprise_user)
    content = enterprise_client.get(reverse("home")).content.decode()
    assert enterprise_user.username in content
    assert "用户中心" in content
    assert "退出" in content
    assert "免费注册" not in content
    assert 'title="未读消息">3</span>' in content


def test_terms_page_is_public(client):
    assert "平台用户协议" in client.get(reverse("terms")).content.decode()


@pytest.mark.parametrize("role_user", ["enterprise_user", "institution_user"])
def test_no_menu_entry_appears_twice(request, role_user):
    user = request.getfixturevalue(role_user)
    entries = [(str(item["label"]), item["url"]) for s in menu.menu_for(user) for item in s["items"]]
    labels = [label for label, _url in entries]
    assert len(labels) == len(set(labels)), labels
    assert len({url for _label, url in entries}) == len(entries)
    assert labels.count("待评价的订单") == 1
