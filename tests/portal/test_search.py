"""站内搜索: one search over services, institutions, open demands and notices."""

import pytest
from django.db import connection
from django.urls import reverse

from portal.selectors import site_search, site_settings
from services.models import ServiceStatus
from tests.factories import (
    AnnouncementFactory,
    HubAdminFactory,
    demand_in_state,
    institution_with,
    published_service,
    service_in_state,
    window,
)
from tests.policies.helpers import draft as draft_policy
from tests.policies.helpers import published as published_policy

pytestmark = pytest.mark.django_db
URL = reverse("portal:search")


@pytest.fixture
def world():
    hub = HubAdminFactory()
    law = institution_with("xingqing", name="兴庆法律服务所")
    other = institution_with("jinfeng", name="金凤融资服务中心")
    listed = published_service(law, "xingqing", approver=hub, title="常年法律顾问服务", category="legal-counsel")
    published_service(other, "jinfeng", approver=hub, title="中小企业融资担保", category="financing-guarantee")
    draft = service_in_state(law, ServiceStatus.DRAFT, title="法律草稿服务", category="legal-counsel")
    demand = demand_in_state("bidding", title="寻找法律顾问", description="需要常年法律顾问。")
    pending = demand_in_state("pending_review", title="待审核的法律需求", description="审核中。")
    notice = AnnouncementFactory(title="法律服务进企业活动通知", body="活动安排。")
    hidden_notice = AnnouncementFactory(title="法律讲座（未发布）", is_published=False)
    closed = window("wine")
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    closed_notice = AnnouncementFactory(title="法律公告（已关闭窗口）", window=closed)
    policy = published_policy(title="法律服务费用补贴办法")
    draft_policy(title="法律援助政策（草稿）")
    return {
        "listed": listed,
        "draft": draft,
        "demand": demand,
        "pending": pending,
        "notice": notice,
        "hidden_notice": hidden_notice,
        "closed_notice": closed_notice,
        "policy": policy,
    }


def _groups(response):
    return {group.key: group for group in response.context["groups"]}


def test_a_two_character_term_finds_every_kind_grouped_with_counts(client, world):
    response = client.get(URL, {"q": "法律"})
    groups = _groups(response)
    assert list(groups) == ["services", "institutions", "demands", "notices", "policies"]
    assert [s.title for s in groups["services"].rows] == ["常年法律顾问服务"]
    assert [i.name for i in groups["institutions"].rows] == ["兴庆法律服务所"]
    assert [d.title for d in groups["demands"].rows] == ["寻找法律顾问"]
    assert [n.title for n in groups["notices"].rows] == ["法律服务进企业活动通知"]
    assert [p.title for p in groups["policies"].rows] == ["法律服务费用补贴办法"]
    assert {key: g.count for key, g in groups.items()} == {
        "services": 1,
        "institutions": 1,
        "demands": 1,
        "notices": 1,
        "policies": 1,
    }
    content = response.content.decode()
    assert "“法律”共找到 5 条结果" in content
    for url_name in ("services:list", "services:institutions", "demands:hall", "windows:notices", "policies:list"):
        assert f"{reverse(url_name)}?q=%E6%B3%95%E5%BE%8B" in content


def test_only_public_rows_are_found(client, world):
    content = client.get(URL, {"q": "法律"}).content.decode()
    for hidden in (
        "法律草稿服务",
        "待审核的法律需求",
        "法律讲座（未发布）",
        "法律公告（已关闭窗口）",
        "法律援助政策（草稿）",
    ):
        assert hidden not in content


def test_the_more_link_lists_the_same_rows_as_the_group(client, world):
    groups = _groups(client.get(URL, {"q": "法律"}))
    assert client.get(groups["services"].more_url).context["page"].paginator.count == groups["services"].count
    assert client.get(groups["demands"].more_url).context["page"].paginator.count == groups["demands"].count
    assert client.get(groups["notices"].more_url).context["page"].paginator.count == groups["notices"].count
    assert client.get(groups["policies"].more_url).context["page"].paginator.count == groups["policies"].count


def test_a_one_character_term_and_no_match(client, world):
    assert _groups(client.get(URL, {"q": "融"}))["services"].count == 1
    groups = _groups(client.get(URL, {"q": "航天"}))
    assert all(g.count == 0 and not g.rows for g in groups.values())
    assert "此类暂无结果" in client.get(URL, {"q": "航天"}).content.decode()


def test_an_empty_or_too_long_keyword_searches_nothing(client, world):
    assert client.get(URL).context["groups"] == []
    assert client.get(URL, {"q": "   "}).context["groups"] == []
    response = client.get(URL, {"q": "法" * 51})
    assert response.status_code == 200 and response.context["groups"] == []
    assert response.context["form"].errors["q"]


def test_search_query_count_is_pinned(client, world, django_assert_num_queries):
    site_settings()
    # Count and rows for each of the five kinds; on PostgreSQL 找服务's search first
    # fetches the ids of the institutions whose name matches (services.selectors._keyword).
    expected = 10 + (1 if connection.vendor == "postgresql" else 0)
    with django_assert_num_queries(expected):
        client.get(URL, {"q": "法律"})
    for n in range(8):
        AnnouncementFactory(title=f"法律通知{n}")
    with django_assert_num_queries(expected):
        response = client.get(URL, {"q": "法律"})
    assert len(_groups(response)["notices"].rows) == 5 and _groups(response)["notices"].count == 9


def test_site_search_is_the_selector_the_page_uses(world):
    assert [g.count for g in site_search("法律")] == [1, 1, 1, 1, 1]
    assert site_search("") == []
