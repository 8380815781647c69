import pytest
from django.urls import reverse

from accounts.models import Organisation, OrganisationKind, Role, User
from tests.factories import EnterpriseUserFactory

pytestmark = pytest.mark.django_db


def signup_data(**overrides):
    data = {
        "username": "yc_goji",
        "password1": "Goji-harvest-2026",
        "password2": "Goji-harvest-2026",
        "organisation_name": "银川红果枸杞有限公司",
        "contact_name": "马明",
        "mobile": "13995112233",
        "email": "",
        "captcha_0": "any-key",
        "captcha_1": "PASSED",
        "agree_terms": "on",
    }
    data.update(overrides)
    return data


def test_register_page_offers_both_account_types(client):
    response = client.get(reverse("accounts:register"))
    content = response.content.decode()
    assert "企业用户注册" in content
    assert "服务机构注册" in content
    assert content.count("点击这里注册") == 2
    assert reverse("accounts:signup_enterprise") in content
    assert reverse("accounts:signup_institution") in content


def test_signup_form_shows_the_manual_fields(client):
    content = client.get(reverse("accounts:signup_enterprise")).content.decode()
    for label in [
        "用户名",
        "密码",
        "确认密码",
        "企业名称",
        "联系人",
        "手机号码",
        "邮箱（选填）",
        "验证码",
        "平台用户协议",
    ]:
        assert label in content, label
    assert "机构名称" in client.get(reverse("accounts:signup_institution")).content.decode()


def test_enterprise_registration_creates_account_and_organisation_and_logs_in(client):
    response = client.post(reverse("accounts:signup_enterprise"), signup_data(email="ma@example.com"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:center")
    user = User.objects.get(username="yc_goji")
    assert user.role == Role.ENTERPRISE
    assert user.email == "ma@example.com"
    assert user.organisation.kind == OrganisationKind.ENTERPRISE
    assert user.organisation.name == "银川红果枸杞有限公司"
    assert user.organisation.contact_name == "马明"
    assert user.organisation.mobile == "13995112233"
    center = client.get(reverse("accounts:center"))
    assert center.status_code == 200
    assert "银川红果枸杞有限公司" in center.content.decode()


def test_institution_registration_gets_the_institution_role(client):
    response = client.post(
        reverse("accounts:signup_institution"),
        signup_data(username="hls_consult", organisation_name="贺兰山咨询服务中心"),
    )
    assert response.status_code == 302
    user = User.objects.get(username="hls_consult")
    assert user.role == Role.INSTITUTION
    assert user.organisation.kind == OrganisationKind.INSTITUTION


def test_duplicate_username_is_refused_and_input_is_kept(client):
    EnterpriseUserFactory(username="yc_goji")
    response = client.post(reverse("accounts:signup_enterprise"), signup_data())
    assert response.status_code == 200
    assert "username" in response.context["form"].errors
    assert "该用户名已被使用" in response.content.decode() or "已存在" in response.content.decode()
    assert "银川红果枸杞有限公司" in response.content.decode()  # typed input kept
    assert User.objects.filter(username="yc_goji").count() == 1
    assert Organisation.objects.filter(name="银川红果枸杞有限公司").count() == 0


@pytest.mark.parametrize("password", ["12345678", "password", "short1!"])
def test_weak_password_is_refused(client, password):
    response = client.post(reverse("accounts:signup_enterprise"), signup_data(password1=password, password2=password))
    assert response.status_code == 200
    assert "password1" in response.context["form"].errors
    assert not User.objects.filter(username="yc_goji").exists()


def test_mismatched_passwords_are_refused(client):
    response = client.post(reverse("accounts:signup_enterprise"), signup_data(password2="Other-pass-2026"))
    assert "password2" in response.context["form"].errors
    assert not User.objects.exists()


def test_wrong_captcha_is_refused_on_registration(client):
    response = client.post(reverse("accounts:signup_enterprise"), signup_data(captcha_1="WRONG"))
    assert response.status_code == 200
    assert response.context["form"].errors["captcha"] == ["验证码错误，请输入新图片中的字符。"]
    assert not User.objects.exists()


def test_invalid_mobile_is_refused_with_a_chinese_message(client):
    response = client.post(reverse("accounts:signup_enterprise"), signup_data(mobile="12345"))
    assert response.context["form"].errors["mobile"] == ["请输入有效的11位手机号码。"]
    assert not User.objects.exists()


def test_registration_requires_agreeing_to_the_terms(client):
    data = signup_data()
    del data["agree_terms"]
    response = client.post(reverse("accounts:signup_enterprise"), data)
    assert response.context["form"].errors["agree_terms"] == ["注册须同意平台用户协议。"]
    assert not User.objects.exists()


def test_missing_required_fields_each_get_a_message(client):
    response = client.post(reverse("accounts:signup_enterprise"), signup_data(organisation_name="", contact_name=""))
    errors = response.context["form"].errors
    assert errors["organisation_name"] == ["此项为必填项。"]
    assert errors["contact_name"] == ["此项为必填项。"]


def test_generic_signup_url_leads_to_the_choice(client):
    response = client.get("/accounts/signup/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:register")


def test_logged_in_user_skips_the_registration_choice(enterprise_client):
    response = enterprise_client.get(reverse("accounts:register"))
    assert response.url == reverse("accounts:center")


def test_registration_says_registration_successful_and_points_to_certification(client):
    response = client.post(reverse("accounts:signup_enterprise"), signup_data(), follow=True)
    content = response.content.decode()
    assert "注册成功" in content
    assert "认证中心" in content and "认证通过后即可申请服务" in content
    assert "成功登录" not in content  # allauth's "signed in as" is replaced, not added to
    next_step = content[content.index('data-testid="next-step"') :]
    assert reverse("certification:center") in next_step[:800]


def test_the_next_step_card_goes_once_the_organisation_is_certified(enterprise_client, enterprise_user):
    type(enterprise_user.organisation).objects.filter(pk=enterprise_user.organisation_id).update(is_certified=True)
    assert 'data-testid="next-step"' not in enterprise_client.get(reverse("accounts:center")).content.decode()


def test_a_short_password_is_refused_in_chinese(client):
    response = client.post(reverse("accounts:signup_enterprise"), signup_data(password1="Ab1!x", password2="Ab1!x"))
    assert response.context["form"].errors["password1"] == ["密码太短，至少需要 8 个字符。"]


def test_the_username_error_lists_the_same_characters_as_the_help_text(client):
    response = client.post(reverse("accounts:signup_enterprise"), signup_data(username="yc goji!"))
    error = response.context["form"].errors["username"][0]
    assert "@/./+/-/_" in error
    assert "@/./+/-/_" in response.content.decode()  # the help text says the same
    # ... and a "+" really is allowed.
    assert client.post(reverse("accounts:signup_enterprise"), signup_data(username="yc+goji")).status_code == 302


def test_every_password_validator_speaks_chinese(client):
    for password in ("yc_goji2026", "password", "12345678"):
        response = client.post(
            reverse("accounts:signup_enterprise"), signup_data(password1=password, password2=password)
        )
        for error in response.context["form"].errors["password1"]:
            assert not any("a" <= char.lower() <= "z" for char in error), error
