"""Chinese keyword search: on both databases through the page, the index text, and index use on PostgreSQL."""

import pytest
from django.db import connection, transaction
from django.urls import reverse

from accounts.actions import organisation_reindex
from accounts.models import Organisation
from services.actions import service_reindex
from services.models import Service
from services.selectors import ServiceFilters, search_services
from smeportal import search
from smeportal.search import LiteralTsQuery, query_terms, tsquery_text, tsvector_literal
from tests.factories import (
    HubAdminFactory,
    bulk_listed_services,
    institution_with,
    published_service,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("services:list")
INSTITUTIONS_URL = reverse("services:institutions")
NEUTRAL_SUMMARY = "为中小企业提供专业服务。"

# term: (a title with it, a summary with it, an institution name with it)
TERMS = {
    "税": ("税务筹划服务", "协助企业办理纳税申报。", "金凤税务师事务所"),
    "法律": ("法律咨询服务", "为企业出具法律意见书。", "银川法律援助中心"),
    "融资": ("融资对接服务", "帮助企业完成股权融资。", "兴庆融资担保公司"),
    "培训": ("员工培训服务", "开展岗前培训与考核。", "西夏职业培训学校"),
    "知识产权": ("知识产权贯标", "制定知识产权保护方案。", "宁夏知识产权运营中心"),
}
# Services that share characters with the terms but not the terms themselves.
NEAR_MISSES = {
    "律师见证服务": "由执业律师现场见证。",  # 律 without 法律
    "知识与产权讲座": "讲解知识、产权与企业发展。",  # 知识 and 产权, not 知识产权
    "税前扣除咨询": NEUTRAL_SUMMARY,  # 税 (a one-character term matches it)
    "ISO9001体系咨询": "质量管理体系认证辅导。",
    "检测认证服务": NEUTRAL_SUMMARY,
}


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def indexed():
    """Services published through the real actions (so PostgreSQL indexes them):
    for every term one with it in the title, one in the summary, one of an institution named with it."""
    hub = HubAdminFactory()
    plain = institution_with("xingqing", name="宁夏星光科技有限公司")
    expected = {}
    for n, (term, (title, summary, institution_name)) in enumerate(TERMS.items()):
        named = institution_with("xingqing", name=institution_name)
        by_title = published_service(plain, approver=hub, title=title, summary=NEUTRAL_SUMMARY)
        by_summary = published_service(plain, approver=hub, title=f"企业综合服务{n}", summary=summary)
        by_name = published_service(named, approver=hub, title=f"机构服务项目{n}", summary=NEUTRAL_SUMMARY)
        expected[term] = {"title": by_title.title, "summary": by_summary.title, "name": by_name.title}
    for title, summary in NEAR_MISSES.items():
        published_service(plain, approver=hub, title=title, summary=summary)
    return {"expected": expected, "hub": hub, "plain": plain}


def found(client, q, **params) -> set[str]:
    response = client.get(LIST_URL, {"q": q, **params})
    assert response.status_code == 200
    return {service.title for service in response.context["page"].object_list}


@pytest.mark.parametrize("term", list(TERMS))
def test_keyword_finds_services_by_title_summary_and_institution_name(client, indexed, term):
    wanted = set(indexed["expected"][term].values())
    if term == "税":
        wanted.add("税前扣除咨询")
    assert found(client, term) == wanted


@pytest.mark.parametrize(
    ("q", "titles"),
    [
        ("法律", None),  # 律师见证服务 has 律 but not 法律
        ("知识产权", None),  # 知识与产权讲座 has both halves apart
        ("税务", {"税务筹划服务", "机构服务项目0"}),  # 金凤税务师事务所
        ("纳税申报", {"企业综合服务0"}),
        ("法律援助", {"机构服务项目1"}),
        ("产权保护", {"企业综合服务4"}),
        ("律师", {"律师见证服务"}),
        ("律", {"法律咨询服务", "企业综合服务1", "机构服务项目1", "律师见证服务"}),
        ("航空航天", set()),
        ("法务", set()),
    ],
)
def test_keyword_does_not_find_what_does_not_contain_it(client, indexed, q, titles):
    result = found(client, q)
    if titles is None:
        assert "律师见证服务" not in result
        assert "知识与产权讲座" not in result
        assert result == set(indexed["expected"][q].values())
    else:
        assert result == titles


def test_keyword_combines_with_the_other_filters(client, indexed):
    other = institution_with("jinfeng", name="金凤星辰咨询公司")
    published_service(other, approver=indexed["hub"], title="法律风险体检")
    assert found(client, "法律", window="jinfeng") == {"法律风险体检"}
    assert "法律风险体检" in found(client, "法律")
    assert found(client, "法律", institution=other.organisation_id) == {"法律风险体检"}


def test_two_terms_must_both_match(client, indexed):
    published_service(indexed["plain"], approver=indexed["hub"], title="法律与融资综合服务")
    assert found(client, "法律 融资") == {"法律与融资综合服务"}
    assert found(client, "融资　法律") == {"法律与融资综合服务"}  # a full-width space separates too
    assert found(client, "知识 产权") == {"知识产权贯标", "企业综合服务4", "机构服务项目4", "知识与产权讲座"}
    assert found(client, "法律 航空") == set()


def test_two_terms_in_title_and_summary(client, indexed):
    published_service(indexed["plain"], approver=indexed["hub"], title="专项培训计划", summary="含税务知识模块。")
    assert found(client, "培训 税务") == {"专项培训计划"}


def test_two_terms_in_the_title_and_the_institution_name(client, indexed):
    """One term in the service, the other in its institution's name: both appear, so it matches."""
    lawyer = institution_with("xingqing", name="银川正道律所")
    published_service(lawyer, approver=indexed["hub"], title="企业融资咨询")
    assert found(client, "融资 正道") == {"企业融资咨询"}


@pytest.mark.parametrize("q", ["ISO9001", "iso9001", "Iso9001"])
def test_latin_and_digit_terms_match_case_insensitively(client, indexed, q):
    assert found(client, q) == {"ISO9001体系咨询"}


def test_latin_terms_that_do_not_match(client, indexed):
    assert found(client, "ISO14001") == set()
    assert found(client, "ISO9001 税务") == set()


@pytest.mark.parametrize("q", ["a'b", "\\", "'", "''", "法律'", "\\法律", "!!!", "( & | )", "<->", "法律:*"])
def test_quotes_backslashes_and_operators_do_not_break_the_page(client, indexed, q):
    response = client.get(LIST_URL, {"q": q})
    assert response.status_code == 200
    assert client.get(INSTITUTIONS_URL, {"q": q}).status_code == 200


def test_a_keyword_without_terms_filters_nothing(client, indexed):
    everything = found(client, "")
    assert found(client, "!!!") == everything
    assert found(client, "\\") == everything


def test_institution_keyword_search(client, indexed):
    def names(q):
        response = client.get(INSTITUTIONS_URL, {"q": q})
        assert response.status_code == 200
        return {institution.name for institution in response.context["page"].object_list}

    assert names("税") == {"金凤税务师事务所"}
    assert names("法律") == {"银川法律援助中心"}
    assert names("知识产权") == {"宁夏知识产权运营中心"}
    assert names("星光 科技") == {"宁夏星光科技有限公司"}
    assert names("航空") == set()


def test_bulk_created_services_are_found_once_reindexed(client, indexed):
    organisation = indexed["plain"].organisation
    services = bulk_listed_services(organisation, ["xingqing"], 3, title="批量财税代理")
    for service in services:
        service_reindex(service=service)
    assert {f"批量财税代理{n}" for n in range(3)} <= found(client, "财税")


# smeportal.search units --------------------------------------------------------------------------


def test_tsvector_literal_of_a_short_text():
    assert tsvector_literal("法律服务") == "'法':1 '法律':1 '律':2 '律服':2 '服':3 '服务':3 '务':4"


def test_tsvector_literal_of_latin_words_and_several_texts():
    assert tsvector_literal("ISO9001 认证") == "'iso9001':1 '认':3 '认证':3 '证':4"
    # A gap between texts and between runs: no bigram or phrase spans them.
    assert tsvector_literal("法律", "税") == "'法':1 '法律':1 '律':2 '税':5"
    assert tsvector_literal("法律，服务") == "'法':1 '法律':1 '律':2 '服':4 '服务':4 '务':5"
    assert tsvector_literal("税税") == "'税':1,2 '税税':1"
    assert tsvector_literal("", None) == ""


@pytest.mark.parametrize(
    ("keyword", "query"),
    [
        ("税", "'税'"),
        ("法律", "('法律')"),
        ("知识产权", "('知识' <-> '识产' <-> '产权')"),
        ("法律 税", "('法律') & '税'"),
        ("ISO9001", "'iso9001'"),
        ("a'b", "'a' & 'b'"),
        ("\\", ""),
        ("  ", ""),
    ],
)
def test_tsquery_text(keyword, query):
    assert tsquery_text(keyword) == query


def test_lexemes_are_quoted_with_quotes_and_backslashes_escaped():
    assert search._quote("a'b") == "'a''b'"
    assert search._quote("a\\b") == "'a\\\\b'"
    assert search._quote("法律") == "'法律'"


def test_query_terms_are_limited():
    assert query_terms("一 二 三 四 五 六 七 八 九 十") == ["一", "二", "三", "四", "五", "六", "七", "八"]


# PostgreSQL: the GIN indexes serve every term length -----------------------------------------------


def _explain_without_seqscan(queryset) -> str:
    """The plan with sequential scans off, the tables in the state autovacuum keeps them in production.

    Rows inserted in the test's transaction sit in the GIN indexes' pending lists, which
    the planner prices as a full scan; in production autovacuum merges them. So merge
    them and gather statistics first, as autovacuum would.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        for index in ("service_search_gin", "organisation_search_gin"):
            cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        for table in (
            "services_service",
            "services_service_windows",
            "accounts_organisation",
            "windows_windowmembership",
            "windows_window",
        ):
            cursor.execute(f"ANALYZE {table}")
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


@pytest.mark.postgres
def test_approval_fills_the_search_index(indexed):
    assert not Service.objects.listed().filter(search_vector__isnull=True).exists()
    assert not Organisation.objects.filter(is_certified=True, search_vector__isnull=True).exists()


@pytest.mark.postgres
@pytest.mark.parametrize("term", ["税", "法律", "知识产权"])
def test_service_search_uses_the_gin_index(indexed, term):
    plan = _explain_without_seqscan(Service.objects.filter(search_vector=LiteralTsQuery(tsquery_text(term))))
    assert "service_search_gin" in plan, plan


@pytest.mark.postgres
@pytest.mark.parametrize("term", ["税", "法律", "知识产权"])
def test_organisation_search_uses_the_gin_index(indexed, term):
    organisation = Organisation.objects.get(name=TERMS["税"][2])
    organisation_reindex(organisation=organisation)
    plan = _explain_without_seqscan(Organisation.objects.filter(search_vector=LiteralTsQuery(tsquery_text(term))))
    assert "organisation_search_gin" in plan, plan


@pytest.mark.postgres
@pytest.mark.parametrize("term", ["税", "法律", "知识产权"])
def test_the_catalogue_search_uses_the_service_index(indexed, term):
    plan = _explain_without_seqscan(search_services(ServiceFilters(keyword=term)))
    assert "service_search_gin" in plan, plan
