"""关怀模式, the header's current section and the captcha's alternatives (issue 13)."""

import pytest
from captcha.conf import settings as captcha_settings
from django.urls import reverse

from smeportal.accessibility import CARE_MODE_COOKIE

pytestmark = pytest.mark.django_db


def test_care_mode_switch_sets_a_cookie_and_returns_to_the_page(client):
    response = client.post(reverse("care_mode"), {"enable": "1", "next": "/services/?q=法律"})
    assert response.status_code == 302
    assert response.url == "/services/?q=%E6%B3%95%E5%BE%8B"
    cookie = response.cookies[CARE_MODE_COOKIE]
    assert cookie.value == "1" and cookie["max-age"] >= 30 * 24 * 3600 and cookie["httponly"]
    page = client.get(reverse("services:list")).content.decode()
    assert '<html lang="zh-hans" class="care-mode">' in page
    assert "care-mode" in page.split("<body", 1)[1].split(">", 1)[0]
    assert 'aria-pressed="true"' in page


def test_care_mode_switch_off_deletes_the_cookie(client):
    client.cookies[CARE_MODE_COOKIE] = "1"
    response = client.post(reverse("care_mode"), {"enable": "0", "next": "/"})
    assert response.cookies[CARE_MODE_COOKIE].value == ""
    page = client.get(reverse("home")).content.decode()
    assert "care-mode" not in page.split("<body", 1)[1].split(">", 1)[0]
    assert 'aria-pressed="false"' in page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", ""])
def test_care_mode_switch_never_redirects_off_site(client, target):
    response = client.post(reverse("care_mode"), {"enable": "1", "next": target})
    assert response.url == "/"


def test_care_mode_switch_only_posts(client):
    assert client.get(reverse("care_mode")).status_code == 405


@pytest.mark.parametrize(
    ("url", "label"),
    [("/", "首页"), ("/services/", "找服务"), ("/services/institutions/", "找机构"), ("/demands/", "需求大厅")],
)
def test_header_marks_the_current_section(client, url, label):
    page = client.get(url).content.decode()
    header = page.split("</header>", 1)[0]
    current = [part for part in header.split("<a ") if 'aria-current="page"' in part]
    assert len(current) == 1
    assert f">{label}</a>" in current[0]


def test_user_centre_pages_mark_no_header_section_but_their_menu_entry(enterprise_client):
    page = enterprise_client.get(reverse("notifications:list")).content.decode()
    header, rest = page.split("</header>", 1)
    assert 'aria-current="page"' not in header
    assert 'class="active" aria-current="page">站内消息</a>' in rest


def test_captcha_offers_refresh_larger_picture_and_audio_when_flite_exists(client, monkeypatch):
    # django-simple-captcha copies its settings when imported.
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", "/usr/bin/flite")
    page = client.get(reverse("account_login")).content.decode()
    assert "换一张" in page and "看大图" in page and "收听验证码" in page
    assert "@2/" in page  # the double-size picture
    monkeypatch.setattr(captcha_settings, "CAPTCHA_FLITE_PATH", None)
    assert "收听验证码" not in client.get(reverse("account_login")).content.decode()


def test_admin_list_editable_inputs_are_labelled(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    page = client.get(reverse("admin:services_servicecategory_changelist")).content.decode()
    assert 'aria-label="排序：' in page
