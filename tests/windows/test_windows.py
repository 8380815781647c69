import pytest
from django.urls import reverse

from tests.factories import AnnouncementFactory, window
from windows.models import Window, WindowKind

pytestmark = pytest.mark.django_db

REGIONAL = ["兴庆区", "金凤区", "西夏区", "永宁县", "贺兰县", "灵武市"]
INDUSTRY = ["枸杞产业", "葡萄酒产业", "宁东能源化工"]


def test_migration_creates_the_hub_and_its_windows():
    assert Window.objects.get(kind=WindowKind.HUB).name == "银川市中小企业公共综合服务窗口平台"
    regional = list(Window.objects.filter(kind=WindowKind.REGIONAL).values_list("name", flat=True))
    industry = list(Window.objects.filter(kind=WindowKind.INDUSTRY).values_list("name", flat=True))
    assert len(regional) == 6 and all(any(r.startswith(d) for r in regional) for d in REGIONAL)
    assert all(any(i.startswith(name) for i in industry) for name in INDUSTRY)
    assert set(Window.objects.filter(kind=WindowKind.REGIONAL).values_list("district", flat=True)) == {
        "xingqing",
        "jinfeng",
        "xixia",
        "yongning",
        "helan",
        "lingwu",
    }


def test_home_page_is_the_hubs_and_lists_every_window(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get(reverse("home"))
    content = response.content.decode()
    assert "银川市中小企业公共综合服务窗口平台" in content
    for window_obj in Window.objects.windows():
        assert window_obj.name in content
        assert window_obj.get_absolute_url() in content


def test_each_window_has_a_public_home_page(client):
    for window_obj in Window.objects.windows():
        response = client.get(window_obj.get_absolute_url())
        assert response.status_code == 200
        assert window_obj.name in response.content.decode()


def test_window_page_lists_only_its_published_announcements(client):
    AnnouncementFactory(window=window("xingqing"), title="兴庆区通知")
    AnnouncementFactory(window=window("xingqing"), title="未发布通知", is_published=False)
    AnnouncementFactory(window=window("jinfeng"), title="金凤区通知")
    content = client.get(reverse("windows:detail", args=["xingqing"])).content.decode()
    assert "兴庆区通知" in content
    assert "未发布通知" not in content
    assert "金凤区通知" not in content


def test_closed_or_unknown_windows_answer_404(client):
    Window.objects.filter(slug="helan").update(is_active=False)
    assert client.get(reverse("windows:detail", args=["helan"])).status_code == 404
    assert client.get(reverse("windows:detail", args=["nowhere"])).status_code == 404
    # The hub's page is the site home page, not a window page.
    assert client.get(reverse("windows:detail", args=["yinchuan"])).status_code == 404
