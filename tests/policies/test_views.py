"""The public list and page, 适合我的政策, 收藏, the feeds and the admin."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from policies.actions import policy_withdraw
from policies.models import Policy, PolicyAttachment, PolicyReader, PolicyStatus
from portal.selectors import site_settings
from tests.factories import (
    PDF_BYTES,
    HubAdminFactory,
    certified_enterprise,
    certified_institution,
    make_window_admin,
    window,
)

from .helpers import draft, published

pytestmark = pytest.mark.django_db
LIST = reverse("policies:list")
MINE = reverse("policies:mine")
TARGETING = {"target_districts": ["xingqing"], "target_industries": ["C"], "target_scales": ["small"]}


def _titles(response) -> list[str]:
    return [p.title for p in response.context["page"].object_list]


def test_the_list_shows_published_policies_only_and_filters_them(client):
    funding = published(title="技术改造资金扶持", category="funding", issuing_body="兴庆区工业和信息化局")
    tax = published(
        "jinfeng", title="小微企业税收减免", category="tax", issuing_body="金凤区税务局", application_deadline=None
    )
    draft(title="尚未审核的草稿")
    assert sorted(_titles(client.get(LIST))) == sorted([funding.title, tax.title])
    assert _titles(client.get(LIST, {"category": "tax"})) == [tax.title]
    assert _titles(client.get(LIST, {"window": "xingqing"})) == [funding.title]
    assert _titles(client.get(LIST, {"issuing_body": "税务"})) == [tax.title]
    assert _titles(client.get(LIST, {"open": "on"})) == [funding.title]  # the other has no deadline
    assert _titles(client.get(LIST, {"year": funding.published_at.year - 1})) == []
    assert _titles(client.get(LIST, {"q": "税收"})) == [tax.title]  # a two-character term
    assert _titles(client.get(LIST, {"q": "资金扶持"})) == [funding.title]


def test_the_list_query_count_does_not_grow_with_policies(client):
    site_settings()
    published()

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    few = count()
    for n in range(15):
        published(title=f"政策{n}")
    assert count() == few


def test_a_draft_or_withdrawn_policy_answers_404_and_a_published_one_shows_its_facts(client):
    assert client.get(reverse("policies:detail", args=[draft().pk])).status_code == 404
    policy = published()
    page = client.get(policy.get_absolute_url()).content.decode()
    assert policy.title in page and "兴工信发〔2026〕12号" in page and "申报截止" in page and "还剩" in page
    policy_withdraw(policy=policy, actor=HubAdminFactory(), reason="已废止")
    assert client.get(policy.get_absolute_url()).status_code == 404


def test_the_page_shows_the_fit_for_an_enterprise_and_marks_it_read(client):
    fits = certified_enterprise(district="xingqing", industry="C", scale="small")
    other = certified_enterprise(district="xingqing", industry="I", scale="small")
    policy = published(**TARGETING)
    client.force_login(fits)
    assert "该政策适合贵企业" in client.get(policy.get_absolute_url()).content.decode()
    assert PolicyReader.objects.get(policy=policy, user=fits).read_at is not None
    client.force_login(other)
    assert "与贵企业的情况不符" in client.get(policy.get_absolute_url()).content.decode()


def test_my_policies_lists_what_fits_with_the_reasons_and_saving_works(client, django_assert_max_num_queries):
    fits = certified_enterprise(district="xingqing", industry="C", scale="small")
    policy = published(**TARGETING)
    published(title="金凤区专项", target_districts=["jinfeng"])
    client.force_login(fits)
    page = client.get(MINE).content.decode()
    assert policy.title in page and "金凤区专项" not in page
    assert "区县" in page and "✓" in page and "未读" in page
    client.post(reverse("policies:favourite", args=[policy.pk]), {"favourite": "on"})
    client.get(policy.get_absolute_url())
    page = client.get(MINE).content.decode()
    assert "已收藏" in page and "已读" in page
    for n in range(10):
        published(title=f"兴庆区政策{n}", **TARGETING)
    with django_assert_max_num_queries(20):
        assert client.get(MINE).status_code == 200


def test_my_policies_is_for_enterprises(client):
    assert client.get(MINE).status_code == 302
    client.force_login(certified_institution())
    assert client.get(MINE).status_code == 404


def test_alerts_can_be_switched_off(client):
    user = certified_enterprise()
    client.force_login(user)
    response = client.post(MINE, {"weekly_digest": "on"})
    assert response.status_code == 302
    assert (user.policy_alerts.new_policy_messages, user.policy_alerts.weekly_digest) == (False, True)


def test_attachments_download_only_while_the_policy_is_public(client):
    policy = published()
    attachment = PolicyAttachment.objects.create(
        policy=policy, file=SimpleUploadedFile("a.pdf", PDF_BYTES), original_name="申报表.pdf"
    )
    url = reverse("policies:attachment", args=[policy.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    policy_withdraw(policy=policy, actor=HubAdminFactory(), reason="已废止")
    assert client.get(url).status_code == 404


def test_the_feeds_are_valid_rss_and_atom_with_the_published_policies(client):
    policy = published()
    draft(title="草稿不进订阅")
    rss = ET.fromstring(client.get(reverse("policies:feed_rss")).content)
    assert [item.findtext("title") for item in rss.iter("item")] == [policy.title]
    atom = ET.fromstring(client.get(reverse("policies:feed_atom")).content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = atom.findall("a:entry", ns)
    assert [e.findtext("a:title", namespaces=ns) for e in entries] == [policy.title]
    assert entries[0].find("a:link", ns).get("href").endswith(policy.get_absolute_url())


# Admin --------------------------------------------------------------------------------


def _admin_post(client, **extra):
    return client.post(
        reverse("admin:policies_policy_add"),
        {
            "window": window("xingqing").pk,
            "title": "兴庆区小型制造业技术改造补助",
            "issuing_body": "兴庆区工业和信息化局",
            "document_number": "兴工信发〔2026〕12号",
            "category": "funding",
            "body": '<p onclick="x()">补助</p><script>alert(1)</script>',
            "target_districts": ["xingqing"],
            "target_industries": ["C"],
            "target_scales": ["small"],
            "certification_required": "on",
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "0",
            "attachments-0-file": extra.pop("file", ""),
            "logs-TOTAL_FORMS": "0",
            "logs-INITIAL_FORMS": "0",
            **extra,
        },
    )


def test_a_window_administrator_drafts_in_admin_with_the_text_sanitised(client):
    author = make_window_admin("xingqing")
    client.force_login(author)
    response = _admin_post(client, file=SimpleUploadedFile("申报表.pdf", PDF_BYTES))
    assert response.status_code == 302, response.content.decode()[:3000]
    policy = Policy.objects.get()
    assert policy.status == PolicyStatus.DRAFT and policy.created_by == author
    assert policy.body == "<p>补助</p>"
    assert (policy.target_districts, policy.target_industries, policy.target_scales) == (["xingqing"], ["C"], ["small"])
    assert policy.attachments.get().original_name == "申报表.pdf"


def test_a_bad_attachment_is_refused_and_nothing_is_saved(client):
    client.force_login(make_window_admin("xingqing"))
    response = _admin_post(client, file=SimpleUploadedFile("病毒.pdf", b"MZ\x90\x00not a pdf"))
    assert response.status_code == 200
    assert not Policy.objects.exists()


def test_admin_is_scoped_by_window_and_shows_the_reach(client):
    policy = published(**TARGETING)
    change = reverse("admin:policies_policy_change", args=[policy.pk])
    client.force_login(make_window_admin("jinfeng"))
    assert client.get(change).status_code in (302, 404)
    client.force_login(make_window_admin("xingqing"))
    page = client.get(change).content.decode()
    assert "触达情况" in page and "目标企业数" in page
    # Published: the text is read-only, what the reviewer approved.
    assert not re.search(r'name="title"', page)


def test_the_dashboard_reach_page_updates_when_the_enterprise_opens_it_and_exports(client):
    import io

    import openpyxl

    reader = certified_enterprise(district="xingqing", industry="C", scale="small")
    certified_enterprise(district="xingqing", industry="C", scale="small")
    policy = published(**TARGETING)
    url = reverse("supervision:policies")
    client.force_login(make_window_admin("xingqing"))
    [row] = client.get(url).context["tables"][0].rows
    assert row[0] == policy.title and row[3:7] == [2, 2, 0, 0.0]
    client.force_login(reader)
    client.get(policy.get_absolute_url())
    client.force_login(make_window_admin("xingqing"))
    tables = client.get(url).context["tables"]
    assert tables[0].rows[0][3:7] == [2, 2, 1, 50.0]
    assert tables[1].rows == [["兴庆区", 2, 2, 1, 50.0]]
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "policy_reach"}).content)).active
    assert list(sheet.iter_rows(values_only=True))[1][0] == policy.title
    client.force_login(make_window_admin("jinfeng"))
    assert client.get(url).context["tables"][0].rows == []


def test_the_home_page_and_the_window_page_list_their_newest_policies(client):
    own = published("xingqing", title="兴庆区专项政策")
    published("jinfeng", title="金凤区专项政策")
    home = client.get(reverse("home")).content.decode()
    assert "兴庆区专项政策" in home and "金凤区专项政策" in home
    page = client.get(window("xingqing").get_absolute_url()).content.decode()
    assert own.title in page and "金凤区专项政策" not in page


def test_publishing_shows_at_once_on_the_cached_home_page(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    client.get(reverse("home"))  # stored for anonymous visitors
    policy = published(title="新发布的政策")
    assert policy.title in client.get(reverse("home")).content.decode()
