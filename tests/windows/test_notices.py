"""通知公告: the hub's and each window's list, detail pages, search and pagination."""

import pytest
from django.urls import reverse

from portal.selectors import site_settings
from tests.factories import AnnouncementFactory, HubAdminFactory, window
from windows.models import Announcement

pytestmark = pytest.mark.django_db
LIST = reverse("windows:notices")


def titles(response):
    assert response.status_code == 200
    return [n.title for n in response.context["page"].object_list]


@pytest.fixture
def notices():
    return {
        "hub": AnnouncementFactory(title="平台上线试运行", body="原平台用户请重新注册。"),
        "xingqing": AnnouncementFactory(
            window=window("xingqing"), title="兴庆区窗口服务时间调整", body="工作日9:00起。"
        ),
        "draft": AnnouncementFactory(title="未发布的通知", is_published=False),
    }


def test_the_hub_list_shows_every_published_notice_newest_first(client, notices):
    assert titles(client.get(LIST)) == ["兴庆区窗口服务时间调整", "平台上线试运行"]


def test_a_windows_list_shows_only_its_notices(client, notices):
    response = client.get(reverse("windows:window_notices", args=["xingqing"]))
    assert titles(response) == ["兴庆区窗口服务时间调整"]
    assert "window" not in response.context["form"].fields
    assert client.get(reverse("windows:window_notices", args=["nowhere"])).status_code == 404


@pytest.mark.parametrize(
    ("q", "expected"), [("注册", ["平台上线试运行"]), ("兴", ["兴庆区窗口服务时间调整"]), ("未发布", [])]
)
def test_search_by_keyword_in_title_or_body(client, notices, q, expected):
    assert titles(client.get(LIST, {"q": q})) == expected


def test_the_window_filter_on_the_hub_list(client, notices):
    assert titles(client.get(LIST, {"window": "xingqing"})) == ["兴庆区窗口服务时间调整"]
    response = client.get(LIST, {"window": "atlantis", "q": "平台"})
    assert response.context["form"].errors["window"]
    assert titles(response) == ["平台上线试运行"]  # the bad window is dropped, the keyword kept


def test_the_detail_page_shows_a_published_notice_and_404s_otherwise(client, notices):
    content = client.get(notices["hub"].get_absolute_url()).content.decode()
    assert "平台上线试运行" in content and "原平台用户请重新注册。" in content
    assert client.get(notices["draft"].get_absolute_url()).status_code == 404
    assert client.get(reverse("windows:notice_detail", args=[999999])).status_code == 404


def test_the_home_page_card_links_to_the_list_and_the_details(client, notices):
    content = client.get(reverse("home")).content.decode()
    assert f'href="{LIST}"' in content
    assert notices["hub"].get_absolute_url() in content
    window_page = client.get(reverse("windows:detail", args=["xingqing"])).content.decode()
    assert reverse("windows:window_notices", args=["xingqing"]) in window_page


def test_the_list_pages_with_numbers_and_its_query_count_is_pinned(client, django_assert_num_queries):
    site_settings()
    AnnouncementFactory()
    with django_assert_num_queries(3):  # count, rows, windows for the filter
        client.get(LIST)
    for n in range(45):
        AnnouncementFactory(title=f"批量通知{n}")
    with django_assert_num_queries(3):
        response = client.get(LIST, {"page": 2})
    assert len(response.context["page"].object_list) == 20
    content = response.content.decode()
    assert "首页" in content and "末页" in content and "page=3" in content


def test_editing_a_notice_in_admin_reindexes_it(client):
    notice = AnnouncementFactory(title="旧标题", body="旧内容")
    client.force_login(HubAdminFactory())
    response = client.post(
        reverse("admin:windows_announcement_change", args=[notice.pk]),
        {"window": notice.window_id, "title": "融资对接会通知", "body": "新内容", "is_published": "on"},
    )
    assert response.status_code == 302
    assert titles(client.get(LIST, {"q": "融资"})) == ["融资对接会通知"]
    assert Announcement.objects.get(pk=notice.pk).title == "融资对接会通知"
