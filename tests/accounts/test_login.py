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


def test_failures_by_others_never_lock_the_owner_out(client, enterprise_user):
    # An attacker on another address fails many times (each with a fresh captcha)...
    for _ in range(12):
        client.post(LOGIN_URL, login_data(enterprise_user.username, "wrong-password"), REMOTE_ADDR="203.0.113.9")
    # ...and the owner, on their own address, still logs in with the right password.
    response = client.post(LOGIN_URL, login_data(enterprise_user.username, PASSWORD), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302
    assert get_user(client).pk == enterprise_user.pk


def test_an_address_that_keeps_failing_for_a_username_must_wait(client, enterprise_user):
    for _ in range(5):
        client.post(LOGIN_URL, login_data(enterprise_user.username, "wrong-password"))
    # Checked without the password: even the right one waits, with a clear message.
    with mock.patch("django.contrib.auth.backends.ModelBackend.authenticate") as authenticate:
        response = client.post(LOGIN_URL, login_data(enterprise_user.username, PASSWORD))
    authenticate.assert_not_called()
    assert "请等待 15 秒后再试" in error_text(response)
    assert not get_user(client).is_authenticated


def test_the_wait_doubles_and_ends(client, enterprise_user):
    now = [1_000_000.0]
    with mock.patch("accounts.adapter.time.time", side_effect=lambda: now[0]):
        for _ in range(5):
            client.post(LOGIN_URL, login_data(enterprise_user.username, "wrong-password"))
        now[0] += 16  # the first wait (15 s) is over: one more failure...
        assert "用户名或密码不正确" in error_text(client.post(LOGIN_URL, login_data(enterprise_user.username, "x")))
        now[0] += 16  # ...makes the next wait 30 s
        assert "请等待 14 秒后再试" in error_text(client.post(LOGIN_URL, login_data(enterprise_user.username, "x")))
        now[0] += 15
        response = client.post(LOGIN_URL, login_data(enterprise_user.username, PASSWORD))
    assert response.status_code == 302


def test_the_wait_of_an_unknown_username_looks_the_same(client):
    for _ in range(5):
        client.post(LOGIN_URL, login_data("ghost", "wrong-password"))
    assert "请等待 15 秒后再试" in error_text(client.post(LOGIN_URL, login_data("ghost", "wrong-password")))


def test_many_failures_from_one_address_throttle_it_across_usernames(client):
    user = EnterpriseUserFactory()
    for n in range(20):
        client.post(LOGIN_URL, login_data(f"guess{n}", "wrong-password"))
    response = client.post(LOGIN_URL, login_data(user.username, PASSWORD))
    assert "登录失败次数过多" in error_text(response)
    assert not get_user(client).is_authenticated
    # Another address is not affected.
    response = client.post(LOGIN_URL, login_data(user.username, PASSWORD), REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 302


def test_a_company_behind_one_address_survives_its_own_typos(client):
    users = EnterpriseUserFactory.create_batch(4)
    for user in users:  # 16 typos in a minute from one office
        for _ in range(4):
            client.post(LOGIN_URL, login_data(user.username, "typo"))
    for user in users:
        client.post(reverse("account_logout"))
        assert client.post(LOGIN_URL, login_data(user.username, PASSWORD)).status_code == 302


def test_behind_the_proxy_the_real_client_address_is_counted(client, settings, enterprise_user):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(6):
        client.post(
            LOGIN_URL,
            login_data(enterprise_user.username, "wrong"),
            HTTP_X_FORWARDED_FOR="203.0.113.9",
            **proxy,
        )
    # The attacker's address waits; the owner's, through the same proxy, does not.
    refused = client.post(
        LOGIN_URL, login_data(enterprise_user.username, PASSWORD), HTTP_X_FORWARDED_FOR="203.0.113.9", **proxy
    )
    assert "秒后再试" in error_text(refused)
    response = client.post(
        LOGIN_URL, login_data(enterprise_user.username, PASSWORD), HTTP_X_FORWARDED_FOR="198.51.100.4", **proxy
    )
    assert response.status_code == 302


def test_a_deactivated_account_is_answered_like_a_wrong_password(client, enterprise_user):
    enterprise_user.is_active = False
    enterprise_user.save(update_fields=["is_active"])
    right = client.post(LOGIN_URL, login_data(enterprise_user.username, PASSWORD))
    wrong = client.post(LOGIN_URL, login_data(enterprise_user.username, "not-the-password"))
    assert right.status_code == wrong.status_code == 200
    assert error_text(right) == error_text(wrong) == "用户名或密码不正确。"
    assert not get_user(client).is_authenticated


def test_a_used_captcha_cannot_be_answered_again(client, enterprise_user):
    from captcha.models import CaptchaStore

    key = CaptchaStore.generate_key()
    answer = CaptchaStore.objects.get(hashkey=key).response
    data = {"login": enterprise_user.username, "password": "wrong", "captcha_0": key, "captcha_1": answer}
    with mock.patch("captcha.fields.settings.CAPTCHA_TEST_MODE", False):
        first = client.post(LOGIN_URL, data)
        assert "captcha" not in first.context["form"].errors
        replay = client.post(LOGIN_URL, {**data, "password": PASSWORD})
    assert "captcha" in replay.context["form"].errors
    assert not get_user(client).is_authenticated


def test_admin_login_goes_through_the_throttled_captcha_login(client):
    admin = HubAdminFactory()
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(LOGIN_URL)
    for _ in range(5):
        client.post(LOGIN_URL + "?next=/admin/", login_data(admin.username, "wrong-password"))
    response = client.post(LOGIN_URL + "?next=/admin/", login_data(admin.username, PASSWORD))
    assert "秒后再试" in error_text(response)
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


def test_too_many_login_requests_get_a_page_in_chinese(client):
    for _ in range(30):  # allauth's own limit on the login view: 30 a minute per address
        client.get(LOGIN_URL)
        client.post(LOGIN_URL, login_data("", ""))
    response = client.post(LOGIN_URL, login_data("", ""))
    assert response.status_code == 429
    assert "请求过于频繁" in response.content.decode()


def test_every_response_switches_off_browser_features_the_portal_never_uses(client):
    policy = client.get(LOGIN_URL).headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()", "browsing-topics=()"):
        assert feature in policy
