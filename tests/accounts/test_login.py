from unittest import mock

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from tests.factories import PASSWORD, EnterpriseUserFactory, HubAdminFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("account_login")


def login_data(username, password, captcha="PASSED"):
    return {"login": username, "password": password, "captcha_0": "key", "captcha_1": captcha}


def error_text(response):
    return " ".join(response.context["form"].non_field_errors())


def test_login_page_has_the_manual_labels(client):
    content = client.get(LOGIN_URL).content.decode()
    for label in ["用户名", "密码", "验证码", "登录"]:
        assert label in content
    assert 'class="captcha-image"' in content


def test_login_with_username_password_and_captcha(client, enterprise_user):
    response = client.post(LOGIN_URL, login_data(enterprise_user.username, PASSWORD))
    assert response.status_code == 302
    assert response.url == reverse("accounts:center")
    assert get_user(client).pk == enterprise_user.pk


def test_wrong_captcha_is_refused_before_the_password_is_checked(client, enterprise_user):
    with mock.patch("allauth.account.adapter.DefaultAccountAdapter.authenticate") as authenticate:
        response = client.post(LOGIN_URL, login_data(enterprise_user.username, PASSWORD, captcha="NOPE"))
    authenticate.assert_not_called()
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == ["验证码错误，请输入新图片中的字符。"]
    assert not get_user(client).is_authenticated


def test_wrong_captcha_does_not_count_as_a_failed_login(client, enterprise_user):
    for _ in range(8):
        client.post(LOGIN_URL, login_data(enterprise_user.username, "wrong", captcha="NOPE"))
    response = client.post(LOGIN_URL, login_data(enterprise_user.username, PASSWORD))
    assert response.status_code == 302


def test_unknown_username_and_wrong_password_get_the_same_message(client, enterprise_user):
    wrong_password = client.post(LOGIN_URL, login_data(enterprise_user.username, "not-the-password"))
    unknown_user = client.post(LOGIN_URL, login_data("nobody-here", "not-the-password"))
    assert error_text(wrong_password) == error_text(unknown_user) == "用户名或密码不正确。"


def test_repeated_failures_throttle_the_username(client, enterprise_user):
    for _ in range(5):
        client.post(LOGIN_URL, login_data(enterprise_user.username, "wrong-password"))
    # Even the right password is refused now, with a clear message.
    response = client.post(LOGIN_URL, login_data(enterprise_user.username, PASSWORD))
    assert response.status_code == 200
    assert "登录失败次数过多" in error_text(response)
    assert not get_user(client).is_authenticated


def test_throttling_an_unknown_username_looks_the_same(client):
    for _ in range(5):
        client.post(LOGIN_URL, login_data("ghost", "wrong-password"))
    response = client.post(LOGIN_URL, login_data("ghost", "wrong-password"))
    assert "登录失败次数过多" in error_text(response)


def test_repeated_failures_throttle_the_ip_across_usernames(client):
    user = EnterpriseUserFactory()
    for n in range(10):
        client.post(LOGIN_URL, login_data(f"guess{n}", "wrong-password"))
    response = client.post(LOGIN_URL, login_data(user.username, PASSWORD))
    assert "登录失败次数过多" in error_text(response)
    assert not get_user(client).is_authenticated


def test_admin_login_goes_through_the_throttled_captcha_login(client):
    admin = HubAdminFactory()
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    for _ in range(5):
        client.post(LOGIN_URL + "?next=/admin/", login_data(admin.username, "wrong-password"))
    response = client.post(LOGIN_URL + "?next=/admin/", login_data(admin.username, PASSWORD))
    assert "登录失败次数过多" in error_text(response)
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_admin_login_succeeds_for_staff(client):
    admin = HubAdminFactory()
    response = client.post(LOGIN_URL + "?next=/admin/", login_data(admin.username, PASSWORD))
    assert response.url == "/admin/"
    assert "银川中小企业公共综合服务窗口平台 管理后台" in client.get("/admin/").content.decode()


def test_logout_is_a_post_and_ends_the_session(enterprise_client):
    response = enterprise_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not get_user(enterprise_client).is_authenticated


def test_password_reset_does_not_tell_whether_an_address_is_registered(client, mailoutbox):
    EnterpriseUserFactory(email="known@example.com")
    url = reverse("account_reset_password")
    known = client.post(url, {"email": "known@example.com", "captcha_0": "k", "captcha_1": "PASSED"})
    unknown = client.post(url, {"email": "unknown@example.com", "captcha_0": "k", "captcha_1": "PASSED"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert [m.to for m in mailoutbox][0] == ["known@example.com"]


def test_password_reset_e_mail_lets_the_user_set_a_new_password(client, mailoutbox):
    user = EnterpriseUserFactory(email="reset@example.com")
    client.post(
        reverse("account_reset_password"), {"email": "reset@example.com", "captcha_0": "k", "captcha_1": "PASSED"}
    )
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/accounts/password/reset/key/" in line)
    path = link[link.index("/accounts/") :].strip()
    form_page = client.get(path, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "Brand-new-pass-2026", "password2": "Brand-new-pass-2026"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Brand-new-pass-2026")


def test_password_change(enterprise_client, enterprise_user):
    response = enterprise_client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Changed-pass-2026", "password2": "Changed-pass-2026"},
    )
    assert response.status_code == 302
    enterprise_user.refresh_from_db()
    assert enterprise_user.check_password("Changed-pass-2026")
