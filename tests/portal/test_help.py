"""帮助中心 and the footer: seeded from the manual, editable in admin, cached."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.actions import site_settings_save
from portal.models import Faq, HelpTopic, SiteSettings
from portal.selectors import site_settings
from tests.factories import HubAdminFactory, make_window_admin

pytestmark = pytest.mark.django_db

MANUAL_LABELS = [
    "【免费注册】",
    "【企业用户注册】",
    "【认证中心】",
    "【机构信息】",
    "【立即认证】",
    "【提请审核】",
    "【找服务】",
    "【我要申请】",
    "【找机构】",
    "【我申请的订单】",
    "【服务中的订单】",
    "【待评价的订单】",
    "【发布需求】",
    "【我发布的需求】",
    "【选标】",
    "【选为中标单位】",
    "【流标】",
    "【我的投诉】",
    "【我的评价】",
    "【对方的评价】",
]


def test_the_help_centre_shows_the_chapters_the_faq_and_the_administrators_contact(client):
    content = client.get(reverse("portal:help")).content.decode()
    assert "帮助中心" in content
    for title in ("注册", "登录", "认证（基本信息）", "申请服务", "需求管理", "投诉维权", "评价管理"):
        assert title in content
    assert "常见问题" in content and "注册后为什么还不能申请服务？" in content
    contact = content[content.index('data-testid="admin-contact"') :]
    assert "平台管理员联系人" in contact and "吴艳萍" in contact and "5699331" in contact
    assert "工作时间" in contact and "9:00" in contact


def test_the_chapters_use_the_manuals_labels(client):
    text = "".join(
        client.get(reverse("portal:help_topic", args=[topic.slug])).content.decode()
        for topic in HelpTopic.objects.all()
    )
    for label in MANUAL_LABELS:
        assert label in text, label


def test_an_unpublished_topic_is_404_and_not_listed(client):
    topic = HelpTopic.objects.get(slug="login")
    HelpTopic.objects.filter(pk=topic.pk).update(is_published=False)
    assert client.get(reverse("portal:help_topic", args=["login"])).status_code == 404
    assert topic.get_absolute_url() not in client.get(reverse("portal:help")).content.decode()
    assert client.get(reverse("portal:help_topic", args=["nothing-here"])).status_code == 404


def test_the_footer_shows_the_site_information_on_every_page(client):
    for url in (reverse("home"), reverse("services:list"), reverse("portal:help"), reverse("account_login")):
        footer = client.get(url).content.decode().split('data-testid="site-info"')[1]
        for text in ("主办单位", "联系电话", "地址", "ICP 备案号", "网站标识码", "宁ICP备", reverse("portal:help")):
            assert text in footer, (url, text)


def test_the_header_links_the_help_centre_and_has_the_search_box(client):
    header = client.get(reverse("services:list")).content.decode().split("</header>")[0]
    assert reverse("portal:help") in header and "帮助中心" in header
    assert f'action="{reverse("portal:search")}"' in header and 'name="q"' in header


def test_site_information_costs_one_query_when_cold_and_none_when_cached(client):
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as warm:
        client.get(reverse("portal:help"))
    assert not any("portal_sitesettings" in q["sql"] for q in warm.captured_queries)
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("portal:help"))
    assert sum("portal_sitesettings" in q["sql"] for q in cold.captured_queries) == 1


def test_help_centre_query_count_does_not_grow_with_topics(client, django_assert_num_queries):
    site_settings()
    with django_assert_num_queries(2):  # topics, questions
        client.get(reverse("portal:help"))
    for n in range(10):
        HelpTopic.objects.create(slug=f"extra-{n}", title=f"主题{n}", body="内容")
        Faq.objects.create(question=f"问题{n}", answer="解答")
    with django_assert_num_queries(2):
        assert client.get(reverse("portal:help")).status_code == 200


def test_a_hub_admin_changes_the_contact_in_admin_and_every_page_shows_it_at_once(
    client, django_capture_on_commit_callbacks
):
    site_settings()  # cached with the old contact
    client.force_login(HubAdminFactory())
    url = reverse("admin:portal_sitesettings_change", args=[1])
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(admin_contact_name="张三", admin_contact_phone="0951-1234567", organiser="银川市某局")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert SiteSettings.objects.get(pk=1).admin_contact_name == "张三"
    client.logout()
    content = client.get(reverse("portal:help")).content.decode()
    assert "张三" in content and "0951-1234567" in content and "吴艳萍" not in content
    assert "银川市某局" in client.get(reverse("home")).content.decode()


def test_the_site_information_cannot_be_added_or_deleted(client):
    client.force_login(HubAdminFactory())
    assert client.get(reverse("admin:portal_sitesettings_add")).status_code == 403
    assert client.post(reverse("admin:portal_sitesettings_delete", args=[1]), {"post": "yes"}).status_code == 403
    assert SiteSettings.objects.filter(pk=1).exists()


def test_window_administrators_do_not_edit_site_wide_texts(client):
    client.force_login(make_window_admin("xingqing"))
    assert client.get(reverse("admin:portal_sitesettings_change", args=[1])).status_code == 403
    assert client.get(reverse("admin:portal_helptopic_changelist")).status_code == 403


def test_hub_admin_edits_a_help_topic(client):
    client.force_login(HubAdminFactory())
    topic = HelpTopic.objects.get(slug="login")
    url = reverse("admin:portal_helptopic_change", args=[topic.pk])
    response = client.post(
        url,
        {
            "slug": "login",
            "title": "登录与找回密码",
            "summary": "",
            "body": "新的说明",
            "sort_order": 5,
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    assert "登录与找回密码" in client.get(reverse("portal:help_topic", args=["login"])).content.decode()


def test_saving_the_site_settings_through_the_action_refreshes_the_cache(django_capture_on_commit_callbacks):
    settings = site_settings()
    settings.phone = "0951-7654321"
    with django_capture_on_commit_callbacks(execute=True):
        site_settings_save(settings=settings, fields=["phone"])
    assert SiteSettings.objects.get(pk=1).phone == "0951-7654321"
    assert site_settings().phone == "0951-7654321"
    settings.phone = "0951-0000000"
    with django_capture_on_commit_callbacks(execute=False):
        site_settings_save(settings=settings, fields=["phone"])
    assert site_settings().phone == "0951-7654321"  # the cache is cleared only once the change is committed
