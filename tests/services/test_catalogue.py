"""The public catalogue: 找服务, service pages, 找机构, institution and window pages, images, query counts."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, OrganisationKind
from certification.actions import application_revoke
from certification.choices import ApplicationStatus
from certification.models import CertificationApplication
from services.models import Service, ServiceStatus
from services.selectors import shown_windows
from tests.factories import (
    CertificationApplicationFactory,
    EnterpriseUserFactory,
    HubAdminFactory,
    InstitutionUserFactory,
    approved_application,
    bulk_listed_services,
    institution_with,
    make_window_admin,
    png_upload,
    published_service,
    service_in_state,
    window,
)
from windows.actions import membership_suspend, membership_withdraw
from windows.models import MembershipStatus, WindowMembership

pytestmark = pytest.mark.django_db

S = ServiceStatus
LIST_URL = reverse("services:list")
INSTITUTIONS_URL = reverse("services:institutions")
HIDDEN_TITLES = ["草稿状态的服务", "待审核状态的服务", "已驳回状态的服务", "已下架状态的服务", "已替代状态的服务"]


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def catalogue():
    """Three certified institutions with two listed services each, and unlisted services of the first.

    A 兴庆法律服务所 (兴庆区; 兴庆区 + 枸杞产业; rating 4.8 of 10)
    B 金凤融资服务中心 (金凤区; 金凤区; rating 3.5 of 3)
    C 西夏职业培训学校 (西夏区; 西夏区 + 枸杞产业; no rating)
    """
    hub = HubAdminFactory()
    a = institution_with("xingqing", "goji", name="兴庆法律服务所", district="xingqing", domains=["legal"])
    b = institution_with("jinfeng", name="金凤融资服务中心", district="jinfeng", domains=["financing"])
    c = institution_with("xixia", "goji", name="西夏职业培训学校", district="xixia", domains=["talent_training"])
    Organisation.objects.filter(pk=a.organisation_id).update(rating_avg="4.80", rating_count=10)
    Organisation.objects.filter(pk=b.organisation_id).update(rating_avg="3.50", rating_count=3)

    def publish(user, slugs, title, category, price=None, unit="time", orders=0):
        fixed = {"price_mode": "fixed", "price": price, "price_unit": unit} if price is not None else {}
        service = published_service(user, *slugs, approver=hub, title=title, category=category, **fixed)
        Service.objects.filter(pk=service.pk).update(order_count=orders)
        return service

    services = {
        "a1": publish(a, ["xingqing"], "常年法律顾问服务", "legal-counsel", price=800, orders=5),
        "a2": publish(a, ["goji"], "合同审查服务", "legal-contract", orders=0),
        "b1": publish(b, ["jinfeng"], "中小企业融资担保", "financing-guarantee", price=3000, unit="item", orders=12),
        "b2": publish(b, ["jinfeng"], "银行信贷对接服务", "financing-credit", orders=1),
        "c1": publish(c, ["xixia"], "职业技能提升培训", "talent_training-skills", price=200, unit="person", orders=3),
        "c2": publish(c, ["goji"], "企业管理培训课程", "talent_training-management", price=5000, orders=0),
    }
    states = [S.DRAFT, S.PENDING, S.REJECTED, S.DELISTED, S.SUPERSEDED]
    hidden = {
        state: service_in_state(a, state, windows=("xingqing", "goji"), title=title, category="legal-counsel")
        for state, title in zip(states, HIDDEN_TITLES, strict=True)
    }
    return {"a": a, "b": b, "c": c, "hub": hub, "services": services, "hidden": hidden}


TITLES = {
    "a1": "常年法律顾问服务",
    "a2": "合同审查服务",
    "b1": "中小企业融资担保",
    "b2": "银行信贷对接服务",
    "c1": "职业技能提升培训",
    "c2": "企业管理培训课程",
}


def titles_of(response) -> list[str]:
    assert response.status_code == 200
    return [service.title for service in response.context["page"].object_list]


def names_of(response) -> list[str]:
    assert response.status_code == 200
    return [institution.name for institution in response.context["page"].object_list]


def expected(*keys) -> set[str]:
    return {TITLES[key] for key in keys}


# 找服务: filters -------------------------------------------------------------------------------------


def test_anonymous_visitor_sees_every_public_service_and_the_count(client, catalogue):
    response = client.get(LIST_URL)
    assert set(titles_of(response)) == expected("a1", "a2", "b1", "b2", "c1", "c2")
    content = response.content.decode()
    assert "共找到 6 项服务" in content
    assert "找服务" in content
    for title in HIDDEN_TITLES:
        assert title not in content


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"category": "legal"}, ["a1", "a2"]),
        ({"category": "legal-counsel"}, ["a1"]),
        ({"category": "financing"}, ["b1", "b2"]),
        ({"category": "talent_training-management"}, ["c2"]),
        ({"category": "startup"}, []),
        ({"window": "goji"}, ["a2", "c2"]),
        ({"window": "jinfeng"}, ["b1", "b2"]),
        ({"window": "wine"}, []),
        ({"district": "xixia"}, ["c1", "c2"]),
        ({"district": "jinfeng"}, ["b1", "b2"]),
        ({"price_min": "500"}, ["a1", "b1", "c2"]),
        ({"price_max": "1000"}, ["a1", "c1"]),
        ({"price_min": "500", "price_max": "4000"}, ["a1", "b1"]),
        ({"price_min": "800", "price_max": "800"}, ["a1"]),
        ({"negotiable": "on"}, ["a2", "b2"]),
        ({"institution": "a"}, ["a1", "a2"]),
        ({"institution": "c"}, ["c1", "c2"]),
        # Combined
        ({"category": "legal", "window": "goji"}, ["a2"]),
        ({"window": "goji", "price_min": "1000"}, ["c2"]),
        ({"district": "jinfeng", "negotiable": "on"}, ["b2"]),
        ({"institution": "c", "price_max": "1000"}, ["c1"]),
        ({"category": "talent_training", "district": "xixia", "window": "goji", "price_max": "6000"}, ["c2"]),
        ({"category": "financing", "window": "goji"}, []),
    ],
)
def test_filters_alone_and_combined(client, catalogue, params, keys):
    if "institution" in params:
        params = {**params, "institution": catalogue[params["institution"]].organisation_id}
    response = client.get(LIST_URL, params)
    found = titles_of(response)
    assert sorted(found) == sorted(expected(*keys))
    assert f"共找到 {len(keys)} 项服务" in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "keys"),
    [
        ("newest", ["c2", "c1", "b2", "b1", "a2", "a1"]),
        # Cheapest first; 面议 last (newest first among them).
        ("price", ["c1", "a1", "b1", "c2", "b2", "a2"]),
        # By the institution's average score; institutions without reviews last.
        ("rating", ["a2", "a1", "b2", "b1", "c2", "c1"]),
        ("orders", ["b1", "a1", "c1", "b2", "c2", "a2"]),
    ],
)
def test_sort_orders(client, catalogue, sort, keys):
    assert titles_of(client.get(LIST_URL, {"sort": sort})) == [TITLES[key] for key in keys]


def test_default_order_is_newest_first(client, catalogue):
    assert titles_of(client.get(LIST_URL)) == [TITLES[k] for k in ["c2", "c1", "b2", "b1", "a2", "a1"]]


def test_sort_links_keep_the_filters(client, catalogue):
    content = client.get(LIST_URL, {"window": "goji", "category": "legal"}).content.decode()
    assert "window=goji&amp;category=legal&amp;sort=price" in content
    for label in ("最新发布", "价格", "评分", "成交量"):
        assert label in content


def test_pagination_keeps_the_filters_in_its_links(client, catalogue):
    bulk_listed_services(catalogue["a"].organisation, ["xingqing"], 21, title="批量法律服务", category="legal-counsel")
    params = {"category": "legal", "window": "xingqing", "sort": "price"}

    first = client.get(LIST_URL, params)

    assert len(titles_of(first)) == 20
    content = first.content.decode()
    assert "共找到 22 项服务" in content
    assert "?category=legal&amp;window=xingqing&amp;sort=price&amp;page=2" in content
    second = client.get(LIST_URL, {**params, "page": 2})
    assert len(titles_of(second)) == 2
    assert "?category=legal&amp;window=xingqing&amp;sort=price&amp;page=1" in second.content.decode()
    # Price order across pages: the fixed-price one first, the negotiable ones follow.
    assert titles_of(first)[0] == TITLES["a1"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "bogus"},
        {"price_min": "abc"},
        {"price_max": "-5"},
        {"category": "nope"},
        {"window": "nowhere"},
        {"district": "atlantis"},
        {"institution": "x"},
        {"price_min": "900", "price_max": "100"},
        {"page": "999"},
        {"page": "abc"},
        {"negotiable": "maybe"},
    ],
)
def test_invalid_filter_values_do_not_break_the_page(client, catalogue, params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    assert 'data-testid="result-count"' in response.content.decode()


@pytest.mark.parametrize(
    ("params", "bad_field", "keys"),
    [
        ({"q": "法律", "price_min": "abc"}, "price_min", ["a1", "a2"]),  # 法律 matches institution A too
        ({"window": "goji", "price_max": "-5"}, "price_max", ["a2", "c2"]),
        ({"category": "financing", "district": "atlantis"}, "district", ["b1", "b2"]),
        ({"window": "jinfeng", "price_min": "900", "price_max": "100"}, "price_max", ["b1"]),
        ({"q": "培训", "category": "nope"}, "category", ["c1", "c2"]),
    ],
)
def test_a_bad_filter_value_is_reported_next_to_its_field_and_the_other_filters_still_apply(
    client, catalogue, params, bad_field, keys
):
    response = client.get(LIST_URL, params)
    assert sorted(titles_of(response)) == sorted(expected(*keys))
    form = response.context["form"]
    assert list(form.errors) == [bad_field]
    content = response.content.decode()
    assert f'id="id_{bad_field}_error1"' in content
    assert 'aria-invalid="true"' in content


def test_institution_list_keeps_the_good_filters_when_one_is_bad(client, catalogue):
    response = client.get(INSTITUTIONS_URL, {"district": "jinfeng", "domain": "nope"})
    assert names_of(response) == ["金凤融资服务中心"]
    assert list(response.context["form"].errors) == ["domain"]


def test_pagination_shows_page_numbers_first_and_last(client, catalogue):
    bulk_listed_services(catalogue["a"].organisation, ["xingqing"], 95, title="批量法律服务", category="legal-counsel")
    content = client.get(LIST_URL, {"window": "xingqing", "page": 3}).content.decode()
    pagination = content[content.index('class="pagination-nav"') :]
    assert "首页" in pagination and "末页" in pagination
    assert "window=xingqing&amp;page=1" in pagination and "window=xingqing&amp;page=5" in pagination
    assert '<li class="page-item active" aria-current="page"><span class="page-link">3</span>' in pagination
    for number in (1, 2, 4, 5):
        assert f">{number}</a>" in pagination
    first = client.get(LIST_URL, {"window": "xingqing"}).content.decode()
    assert "首页" not in first[first.index('class="pagination-nav"') :]


def test_the_filter_form_offers_both_category_levels_and_the_windows(client, catalogue):
    form = client.get(LIST_URL).context["form"]
    codes = [code for code, _ in form.fields["category"].choices]
    assert "legal" in codes and "legal-counsel" in codes and "financing-guarantee" in codes
    slugs = [slug for slug, _ in form.fields["window"].choices]
    assert {"xingqing", "goji", "jinfeng"} <= set(slugs)


# 找服务: what never appears -------------------------------------------------------------------------


def test_unlisted_versions_never_appear(client, catalogue):
    for params in ({}, {"window": "goji"}, {"category": "legal"}, {"institution": catalogue["a"].organisation_id}):
        found = titles_of(client.get(LIST_URL, params))
        assert not set(found) & set(HIDDEN_TITLES)


@pytest.fixture
def leaver(catalogue):
    """兴庆离场咨询公司, active in 兴庆区 and 枸杞产业, with one service in both and one in 枸杞产业 only."""
    user = institution_with("xingqing", "goji", name="兴庆离场咨询公司", district="xingqing")
    both = published_service(user, "xingqing", "goji", approver=catalogue["hub"], title="两个窗口的咨询服务")
    goji_only = published_service(user, "goji", approver=catalogue["hub"], title="枸杞窗口的咨询服务")
    membership = WindowMembership.objects.get(organisation=user.organisation, window__slug="goji")
    return {"user": user, "both": both, "goji_only": goji_only, "membership": membership}


def _leave(leaver, catalogue, how):
    if how == "withdrawn":
        membership_withdraw(membership=leaver["membership"], actor=leaver["user"])
    else:
        membership_suspend(membership=leaver["membership"], actor=catalogue["hub"], reason="暂停会员资格")
    leaver["membership"].refresh_from_db()
    assert leaver["membership"].status == how


@pytest.mark.parametrize("how", [MembershipStatus.WITHDRAWN, MembershipStatus.SUSPENDED])
def test_services_of_an_institution_that_left_vanish_from_that_window(client, catalogue, leaver, how):
    assert "两个窗口的咨询服务" in titles_of(client.get(LIST_URL, {"window": "goji"}))

    _leave(leaver, catalogue, how)

    assert sorted(titles_of(client.get(LIST_URL, {"window": "goji"}))) == sorted(expected("a2", "c2"))
    assert "两个窗口的咨询服务" in titles_of(client.get(LIST_URL, {"window": "xingqing"}))
    everywhere = titles_of(client.get(LIST_URL))
    assert "两个窗口的咨询服务" in everywhere
    assert "枸杞窗口的咨询服务" not in everywhere
    assert client.get(leaver["goji_only"].get_absolute_url()).status_code == 404
    # The remaining service no longer shows the window it left.
    response = client.get(LIST_URL, {"window": "xingqing"})
    [card] = [s for s in response.context["page"].object_list if s.title == "两个窗口的咨询服务"]
    assert [w.slug for w in shown_windows(card)] == ["xingqing"]
    goji_page = client.get(reverse("windows:detail", args=["goji"])).content.decode()
    assert "两个窗口的咨询服务" not in goji_page
    assert "兴庆离场咨询公司" not in goji_page
    assert "兴庆离场咨询公司" not in names_of(client.get(INSTITUTIONS_URL, {"window": "goji"}))


@pytest.mark.parametrize("how", [MembershipStatus.WITHDRAWN, MembershipStatus.SUSPENDED])
def test_find_institutions_counts_only_the_services_the_public_sees(client, catalogue, leaver, how):
    """找机构 shows and sorts by the number of services; one that vanished is not counted."""
    _leave(leaver, catalogue, how)

    response = client.get(INSTITUTIONS_URL, {"q": "离场咨询"})

    [institution] = response.context["page"].object_list
    public = client.get(LIST_URL, {"institution": institution.pk}).context["page"].paginator.count
    assert public == 1
    assert institution.listed_service_count == public
    assert "1 项服务" in response.content.decode()


def test_services_of_a_revoked_institution_vanish_everywhere(client, catalogue):
    b = catalogue["b"]
    application = CertificationApplication.objects.get(organisation=b.organisation, status=ApplicationStatus.APPROVED)

    application_revoke(application=application, actor=catalogue["hub"], reason="提供了虚假材料。")

    assert sorted(titles_of(client.get(LIST_URL))) == sorted(expected("a1", "a2", "c1", "c2"))
    assert titles_of(client.get(LIST_URL, {"window": "jinfeng"})) == []
    assert titles_of(client.get(LIST_URL, {"institution": b.organisation_id})) == []
    assert client.get(catalogue["services"]["b1"].get_absolute_url()).status_code == 404
    assert client.get(reverse("services:institution", args=[b.organisation_id])).status_code == 404
    assert "金凤融资服务中心" not in names_of(client.get(INSTITUTIONS_URL))
    jinfeng_page = client.get(reverse("windows:detail", args=["jinfeng"])).content.decode()
    assert "中小企业融资担保" not in jinfeng_page and "金凤融资服务中心" not in jinfeng_page
    assert "中小企业融资担保" not in client.get(reverse("home")).content.decode()


def test_images_of_a_revoked_institutions_services_are_no_longer_public(client, catalogue):
    b = catalogue["b"]
    service = published_service(b, "jinfeng", approver=catalogue["hub"], title="带图的融资服务", images=[png_upload()])
    url = reverse("services:image", args=[service.images.get().pk])
    assert client.get(url).status_code == 200
    application = CertificationApplication.objects.get(organisation=b.organisation, status=ApplicationStatus.APPROVED)

    application_revoke(application=application, actor=catalogue["hub"], reason="提供了虚假材料。")

    assert client.get(service.get_absolute_url()).status_code == 404
    assert client.get(url).status_code == 404
    client.force_login(b)
    assert client.get(url).status_code == 200  # the institution still sees its own pictures


# Service page ------------------------------------------------------------------------------------


def test_anonymous_visitor_sees_a_listed_service(client, catalogue):
    a1 = catalogue["services"]["a1"]
    response = client.get(a1.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "常年法律顾问服务" in content
    assert "800 元/次" in content
    assert "法律服务 / 常年法律顾问" in content
    assert "兴庆区中小企业服务窗口" in content
    # The institution card links to its page; its other services are offered.
    assert f'href="{reverse("services:institution", args=[catalogue["a"].organisation_id])}"' in content
    assert "兴庆法律服务所" in content
    assert "该机构的其他服务" in content
    assert [s.title for s in response.context["others"]] == ["合同审查服务"]
    assert f'href="{catalogue["services"]["a2"].get_absolute_url()}"' in content
    for title in HIDDEN_TITLES + ["中小企业融资担保"]:
        assert title not in content


@pytest.mark.parametrize("state", [S.DRAFT, S.PENDING, S.REJECTED, S.DELISTED])
def test_an_unlisted_service_is_404_for_others_and_a_preview_for_its_owner(client, catalogue, state):
    service = catalogue["hidden"][state]
    url = service.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(catalogue["b"])
    assert client.get(url).status_code == 404
    client.force_login(EnterpriseUserFactory())
    assert client.get(url).status_code == 404

    client.force_login(catalogue["a"])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["preview"] is True
    content = response.content.decode()
    assert service.title in content
    assert f"预览：该服务状态为“{service.get_status_display()}”，尚未公开。" in content


def test_an_unknown_service_is_404(client, db):
    assert client.get(reverse("services:detail", args=[999999])).status_code == 404


# 找机构 -------------------------------------------------------------------------------------------


def test_institution_list_shows_certified_institutions_only(client, catalogue):
    InstitutionUserFactory(organisation__name="未认证的服务机构")
    approved_application(EnterpriseUserFactory().organisation, name="已认证的普通企业")

    response = client.get(INSTITUTIONS_URL)

    assert sorted(names_of(response)) == sorted(["兴庆法律服务所", "金凤融资服务中心", "西夏职业培训学校"])
    content = response.content.decode()
    assert "找机构" in content
    assert "共找到 3 家机构" in content
    assert "未认证的服务机构" not in content and "已认证的普通企业" not in content
    assert "事业单位" in content and "法律服务" in content


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"domain": "legal"}, ["兴庆法律服务所"]),
        ({"domain": "financing"}, ["金凤融资服务中心"]),
        ({"domain": "startup"}, []),
        ({"district": "jinfeng"}, ["金凤融资服务中心"]),
        ({"district": "xixia"}, ["西夏职业培训学校"]),
        ({"window": "goji"}, ["兴庆法律服务所", "西夏职业培训学校"]),
        ({"window": "jinfeng"}, ["金凤融资服务中心"]),
        ({"q": "融资"}, ["金凤融资服务中心"]),
        ({"q": "培训学校"}, ["西夏职业培训学校"]),
        ({"q": "服务"}, ["兴庆法律服务所", "金凤融资服务中心"]),
        ({"q": "税"}, []),
        ({"window": "goji", "domain": "talent_training"}, ["西夏职业培训学校"]),
        ({"window": "goji", "district": "jinfeng"}, []),
        ({"q": "服务", "district": "xingqing"}, ["兴庆法律服务所"]),
    ],
)
def test_institution_filters(client, catalogue, params, names):
    assert sorted(names_of(client.get(INSTITUTIONS_URL, params))) == sorted(names)


def test_institution_sorts(client, catalogue):
    # B gets two more listed services: 4, against 2 for A and C.
    bulk_listed_services(catalogue["b"].organisation, ["jinfeng"], 2, title="金凤批量服务")
    a, b, c = "兴庆法律服务所", "金凤融资服务中心", "西夏职业培训学校"

    assert names_of(client.get(INSTITUTIONS_URL, {"sort": "rating"})) == [a, b, c]
    assert names_of(client.get(INSTITUTIONS_URL)) == [a, b, c]
    assert names_of(client.get(INSTITUTIONS_URL, {"sort": "services"})) == [b, c, a]
    assert names_of(client.get(INSTITUTIONS_URL, {"sort": "newest"})) == [c, b, a]
    content = client.get(INSTITUTIONS_URL, {"sort": "services"}).content.decode()
    assert "共找到 3 家机构" in content
    assert "4 项服务" in content


def test_institution_list_invalid_values_do_not_break(client, catalogue):
    for params in ({"sort": "bogus"}, {"domain": "nope"}, {"window": "x"}, {"page": "zz"}):
        assert client.get(INSTITUTIONS_URL, params).status_code == 200


# Institution page --------------------------------------------------------------------------------

PRIVATE = {
    "credit_code": None,  # filled from the application
    "mobile": "13995107777",
    "landline": "0951-5550123",
    "email": "legal-office@example.com",
}


@pytest.fixture
def private_institution(catalogue):
    """An institution whose approved profile holds private data the public page must not show."""
    user = institution_with(
        "xingqing",
        name="兴庆知识产权事务所",
        district="xingqing",
        domains=["legal", "technology_quality"],
        institution_type="law_firm",
        introduction="专注于商标、专利与版权代理十余年。",
        mobile=PRIVATE["mobile"],
        landline=PRIVATE["landline"],
        email=PRIVATE["email"],
        legal_representative="钱秘密",
        registered_address="宁夏银川市兴庆区秘密路99号",
    )
    published_service(user, "xingqing", approver=catalogue["hub"], title="商标注册代理")
    service_in_state(user, S.DRAFT, title="未上架的专利服务")
    return user


def test_institution_page_shows_the_approved_public_profile_and_listed_services(client, private_institution):
    organisation = private_institution.organisation
    response = client.get(reverse("services:institution", args=[organisation.pk]))

    assert response.status_code == 200
    content = response.content.decode()
    for shown in (
        "兴庆知识产权事务所",
        "律师事务所",
        "兴庆区",
        "法律服务",
        "技术创新与质量",
        "兴庆区中小企业服务窗口",
        "专注于商标、专利与版权代理十余年。",
        "商标注册代理",
    ):
        assert shown in content, shown
    assert [s.title for s in response.context["page"].object_list] == ["商标注册代理"]
    assert "未上架的专利服务" not in content


def test_institution_page_hides_private_fields(client, private_institution):
    organisation = private_institution.organisation
    application = CertificationApplication.objects.get(organisation=organisation, status=ApplicationStatus.APPROVED)

    content = client.get(reverse("services:institution", args=[organisation.pk])).content.decode()

    assert application.credit_code not in content
    assert PRIVATE["mobile"] not in content
    assert organisation.mobile not in content
    assert PRIVATE["landline"] not in content
    assert PRIVATE["email"] not in content
    assert "钱秘密" not in content
    assert "秘密路" not in content
    assert "/certification/files/" not in content
    assert "licence" not in content


def test_institution_page_of_an_uncertified_or_enterprise_organisation_is_404(client, db):
    uncertified = InstitutionUserFactory()
    enterprise = EnterpriseUserFactory()
    approved_application(enterprise.organisation)
    assert client.get(reverse("services:institution", args=[uncertified.organisation_id])).status_code == 404
    assert client.get(reverse("services:institution", args=[enterprise.organisation_id])).status_code == 404
    assert client.get(reverse("services:institution", args=[999999])).status_code == 404


# Window and home pages ---------------------------------------------------------------------------


def test_window_page_lists_its_services_and_member_institutions_only(client, catalogue):
    content = client.get(reverse("windows:detail", args=["goji"])).content.decode()
    for shown in ("合同审查服务", "企业管理培训课程", "兴庆法律服务所", "西夏职业培训学校"):
        assert shown in content, shown
    for hidden in ("常年法律顾问服务", "中小企业融资担保", "职业技能提升培训", "金凤融资服务中心", *HIDDEN_TITLES):
        assert hidden not in content, hidden

    jinfeng = client.get(reverse("windows:detail", args=["jinfeng"])).content.decode()
    assert "中小企业融资担保" in jinfeng and "银行信贷对接服务" in jinfeng and "金凤融资服务中心" in jinfeng
    assert "合同审查服务" not in jinfeng and "兴庆法律服务所" not in jinfeng


def test_home_page_shows_the_newest_services_and_the_categories(client, catalogue):
    content = client.get(reverse("home")).content.decode()
    for title in TITLES.values():
        assert title in content
    for name in ("信息服务", "融资服务", "法律服务", "人才与培训", "常年法律顾问", "融资担保"):
        assert name in content
    assert f"{LIST_URL}?category=legal" in content
    assert f"{LIST_URL}?category=legal-counsel" in content
    for title in HIDDEN_TITLES:
        assert title not in content


# Private service images --------------------------------------------------------------------------


def test_images_of_a_listed_service_are_public_and_of_a_draft_private(client, catalogue):
    a = catalogue["a"]
    listed = published_service(a, "xingqing", approver=catalogue["hub"], title="带图片的服务", images=[png_upload()])
    draft = service_in_state(a, S.DRAFT, title="带图片的草稿")
    draft_image = draft.images.create(file=png_upload(name="draft.png"))
    listed_url = reverse("services:image", args=[listed.images.get().pk])
    draft_url = reverse("services:image", args=[draft_image.pk])

    response = client.get(listed_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(draft_url).status_code == 404

    client.force_login(catalogue["b"])
    assert client.get(draft_url).status_code == 404
    assert client.get(listed_url).status_code == 200
    client.force_login(EnterpriseUserFactory())
    assert client.get(draft_url).status_code == 404

    client.force_login(a)
    assert client.get(draft_url).status_code == 200
    client.force_login(make_window_admin("xingqing"))
    assert client.get(draft_url).status_code == 200


def test_listed_detail_page_links_its_images(client, catalogue):
    service = published_service(
        catalogue["a"], "xingqing", approver=catalogue["hub"], title="带两张图的服务", images=[png_upload()] * 2
    )
    content = client.get(service.get_absolute_url()).content.decode()
    for image in service.images.all():
        assert f'src="{reverse("services:image", args=[image.pk])}"' in content


# Query counts ------------------------------------------------------------------------------------


def _cheap_institution(n, district, slugs):
    """A certified institution with an approved profile and active memberships, written directly."""
    organisation = Organisation.objects.create(
        kind=OrganisationKind.INSTITUTION,
        name=f"批量服务机构{n}",
        contact_name="张三",
        mobile=f"1380000{n:04d}",
        is_certified=True,
        certified_at=timezone.now() - datetime.timedelta(days=n),
        district=district,
        rating_avg="4.00" if n % 2 else None,
        rating_count=n % 2,
    )
    CertificationApplicationFactory(organisation=organisation, status=ApplicationStatus.APPROVED, district=district)
    for slug in slugs:
        WindowMembership.objects.create(window=window(slug), organisation=organisation, status=MembershipStatus.ACTIVE)
    return organisation


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.fixture
def few_then_many():
    """10 listed services of two institutions; `grow()` makes it 500 of five.

    The 西夏区 window starts with 2 services and 1 member and ends with 92 services (6 shown) and 4 members.
    """
    first = _cheap_institution(1, "xingqing", ["xingqing", "goji"])
    second = _cheap_institution(2, "jinfeng", ["jinfeng", "goji", "xixia"])
    bulk_listed_services(first, ["xingqing", "goji"], 5, title="兴庆批量服务", category="legal-counsel")
    bulk_listed_services(second, ["jinfeng", "goji"], 3, title="金凤批量服务", category="financing-credit")
    bulk_listed_services(second, ["xixia"], 2, title="西夏批量服务", category="financing-credit")
    assert Service.objects.listed().count() == 10

    def grow():
        bulk_listed_services(first, ["xingqing", "goji"], 200, title="兴庆更多服务", category="legal-contract")
        bulk_listed_services(second, ["jinfeng", "goji"], 200, title="金凤更多服务", category="financing-guarantee")
        for n, district in ((3, "xixia"), (4, "helan"), (5, "lingwu")):
            more = _cheap_institution(n, district, ["goji", "xixia"])
            bulk_listed_services(more, ["goji", "xixia"], 30, title=f"更多服务{n}-", category="information-it")
        assert Service.objects.listed().count() == 500

    return {"first": first, "grow": grow}


@pytest.mark.parametrize(
    "page",
    ["services", "services_filtered", "institutions", "institution", "window", "home"],
)
def test_query_count_does_not_grow_with_the_rows(client, few_then_many, django_assert_max_num_queries, page):
    urls = {
        "services": LIST_URL,
        "services_filtered": f"{LIST_URL}?window=goji&sort=rating&category=legal",
        "institutions": INSTITUTIONS_URL,
        "institution": reverse("services:institution", args=[few_then_many["first"].pk]),
        "window": reverse("windows:detail", args=["xixia"]),
        "home": reverse("home"),
    }
    url = urls[page]
    measured = _queries(client, url)
    print(f"pinned query count of {page}: {measured}")  # shown with `pytest -s`

    few_then_many["grow"]()

    with django_assert_max_num_queries(measured):
        response = client.get(url)
    assert response.status_code == 200
    if page in ("services", "institution"):
        assert len(response.context["page"].object_list) == 20


def test_the_list_pages_show_all_rows_they_count(client, few_then_many):
    """The pinned pages above really render the rows (so the counts measure something)."""
    few_then_many["grow"]()
    services = client.get(LIST_URL).content.decode()
    assert "共找到 500 项服务" in services
    assert len(re.findall(r'class="card shadow-sm mb-3 service-card"', services)) == 20
    institutions = client.get(INSTITUTIONS_URL).content.decode()
    assert "批量服务机构5" in institutions
