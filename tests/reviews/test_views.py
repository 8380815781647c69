"""Review pages: 待评价的订单 → 【评论】 / 【追加评论】, 【我的评价】, 【对方的评价】, 【评价详情】, public page."""

import pytest
from django.urls import reverse

from reviews.actions import review_follow_up, review_hide
from reviews.models import Review
from tests.factories import (
    EnterpriseUserFactory,
    InstitutionUserFactory,
    certified_enterprise,
    certified_institution,
    make_window_admin,
    order_in_state,
    published_service,
)
from tests.once import with_token
from tests.reviews.helpers import review_by

pytestmark = pytest.mark.django_db
LOGIN = reverse("account_login")
TO_REVIEW = reverse("orders:tab", args=["to_review"])


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def world():
    institution = certified_institution("yinchuan")
    return {
        "institution": institution,
        "enterprise": certified_enterprise(),
        "service": published_service(institution, title="商标注册申请代理"),
    }


def order_of(world, state="checked"):
    return order_in_state(
        state, enterprise=world["enterprise"], institution=world["institution"], service=world["service"]
    )


@pytest.mark.parametrize("side", ["enterprise", "institution"])
def test_orders_to_review_show_comment_then_follow_up_then_leave(client, world, side):
    order = order_of(world)
    in_service = order_of(world, "in_service")
    client.force_login(world[side])
    content = html(client.get(TO_REVIEW))
    assert order.number in content and in_service.number not in content
    assert reverse("reviews:create", args=[order.pk]) in content
    review = review_by(order, side)
    content = html(client.get(TO_REVIEW))
    assert reverse("reviews:create", args=[order.pk]) not in content
    assert reverse("reviews:follow_up", args=[review.pk]) in content
    # The other side's review does not take the order off my list.
    other = "institution" if side == "enterprise" else "enterprise"
    second = order_of(world)
    review_by(second, other)
    assert reverse("reviews:create", args=[second.pk]) in html(client.get(TO_REVIEW))
    review_follow_up(review=review, actor=world[side], content="追加。")
    assert order.number not in html(client.get(TO_REVIEW))


@pytest.mark.parametrize("side", ["enterprise", "institution"])
def test_the_to_review_list_query_count_is_pinned(client, world, side, django_assert_max_num_queries):
    order_of(world)
    client.force_login(world[side])
    client.get(TO_REVIEW)
    with django_assert_max_num_queries(6) as few:
        html(client.get(TO_REVIEW))
    for n in range(3):
        review = review_by(order_of(world), side)
        if n == 0:
            review_follow_up(review=review, actor=world[side], content="追加。")
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = html(client.get(TO_REVIEW))
    assert content.count("reviews/order/") == 1 and content.count("/follow-up/") == 2


def test_posting_a_review_of_an_institution(client, world):
    order = order_of(world)
    client.force_login(world["enterprise"])
    url = reverse("reviews:create", args=[order.pk])
    content = html(client.get(url))
    for label in ("评分", "服务质量", "服务态度", "响应速度", "评价内容", "发表评论"):
        assert label in content
    response = client.post(url, with_token(score="4", quality="5", attitude="4", speed="3", content=""))
    assert "评价内容" in html(response) and not Review.objects.exists()
    response = client.post(url, with_token(score="4", quality="5", attitude="4", speed="3", content="很专业。"))
    review = Review.objects.get()
    assert response.status_code == 302 and response.url == review.get_absolute_url()
    assert (review.score, review.quality, review.attitude, review.speed) == (4, 5, 4, 3)
    # A second visit goes to the review, where 【追加评论】 is offered.
    response = client.get(url)
    assert response.status_code == 302 and response.url == review.get_absolute_url()
    assert reverse("reviews:follow_up", args=[review.pk]) in html(client.get(review.get_absolute_url()))


def test_an_institution_reviews_the_enterprise_with_an_overall_score(client, world):
    order = order_of(world)
    client.force_login(world["institution"])
    url = reverse("reviews:create", args=[order.pk])
    content = html(client.get(url))
    assert "服务质量" not in content
    client.post(url, with_token(score="5", content="配合积极。"))
    review = Review.objects.get()
    assert review.subject == world["enterprise"].organisation and review.quality is None


def test_review_pages_are_for_the_parties(client, world):
    order = order_of(world)
    in_service = order_of(world, "in_service")
    review = review_by(order)
    for url in [reverse("reviews:create", args=[order.pk]), review.get_absolute_url(), reverse("reviews:written")]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(LOGIN)
    for stranger in (EnterpriseUserFactory(), InstitutionUserFactory(), make_window_admin("xingqing")):
        client.force_login(stranger)
        assert client.get(reverse("reviews:create", args=[order.pk])).status_code == 404
        assert client.get(review.get_absolute_url()).status_code == 404
        assert client.get(reverse("reviews:follow_up", args=[review.pk])).status_code == 404
    client.force_login(world["enterprise"])
    response = client.get(reverse("reviews:create", args=[in_service.pk]))
    assert response.status_code == 302 and response.url == in_service.get_absolute_url()
    client.force_login(world["institution"])  # the subject may read it but not follow it up
    assert client.get(reverse("reviews:follow_up", args=[review.pk])).status_code == 404
    client.force_login(make_window_admin("yinchuan"))
    assert "服务专业，响应及时。" in html(client.get(review.get_absolute_url()))


def test_follow_up_once(client, world):
    review = review_by(order_of(world))
    client.force_login(world["enterprise"])
    url = reverse("reviews:follow_up", args=[review.pk])
    assert "发表评论" in html(client.get(url))
    assert client.post(url, with_token(content="后续也很好。")).status_code == 302
    review.refresh_from_db()
    assert review.followup == "后续也很好。"
    content = html(client.get(review.get_absolute_url()))
    assert "后续也很好。" in content and url not in content
    response = client.get(url)
    assert response.status_code == 302
    client.post(url, with_token(content="再来一次"))
    review.refresh_from_db()
    assert review.followup == "后续也很好。"


def test_my_reviews_and_reviews_of_me_with_filters(client, world):
    a, b = order_of(world), order_of(world)
    mine_good = review_by(a, "enterprise", score=5, content="非常满意")
    mine_bad = review_by(b, "enterprise", score=2, content="不太满意")
    about_me = review_by(a, "institution", score=4, content="企业配合好")
    client.force_login(world["enterprise"])
    content = html(client.get(reverse("reviews:written")))
    assert "我的评价" in content and "非常满意" in content and "不太满意" in content and "企业配合好" not in content
    content = html(client.get(reverse("reviews:written"), {"score": "2"}))
    assert "不太满意" in content and "非常满意" not in content
    content = html(client.get(reverse("reviews:written"), {"q": b.number}))
    assert "不太满意" in content and "非常满意" not in content
    content = html(client.get(reverse("reviews:received")))
    assert "对方的评价" in content and "企业配合好" in content and "非常满意" not in content
    assert about_me.get_absolute_url() in content
    client.force_login(world["institution"])
    content = html(client.get(reverse("reviews:received")))
    assert mine_good.get_absolute_url() in content and mine_bad.get_absolute_url() in content
    assert about_me.get_absolute_url() not in content


@pytest.mark.parametrize("url_name", ["reviews:written", "reviews:received"])
def test_review_lists_query_count_is_pinned(client, world, url_name, django_assert_max_num_queries):
    order = order_of(world)
    review_by(order, "enterprise")
    review_by(order, "institution")
    client.force_login(world["enterprise"])
    url = reverse(url_name)
    client.get(url)
    with django_assert_max_num_queries(6) as few:
        html(client.get(url))
    for _ in range(3):
        other = order_of(world)
        review_by(other, "enterprise")
        review_by(other, "institution")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert html(client.get(url)).count("reviews/") >= 4


def test_a_hidden_review_keeps_its_text_from_the_subject_and_the_public(client, world):
    order = order_of(world)
    review = review_by(order, "enterprise", score=1, content="辱骂内容XYZ")
    review_hide(review=review, actor=make_window_admin("yinchuan"), reason="含有辱骂内容")
    client.force_login(world["institution"])
    assert "辱骂内容XYZ" not in html(client.get(review.get_absolute_url()))
    assert "辱骂内容XYZ" not in html(client.get(reverse("reviews:received")))
    assert "辱骂内容XYZ" not in html(client.get(order.get_absolute_url()))
    client.force_login(world["enterprise"])
    content = html(client.get(review.get_absolute_url()))
    assert "辱骂内容XYZ" in content and "含有辱骂内容" in content
    client.logout()
    page = html(client.get(reverse("services:institution", args=[world["institution"].organisation.pk])))
    assert "辱骂内容XYZ" not in page


def test_the_institution_page_and_directory_show_scores_and_reviews(client, world, django_assert_max_num_queries):
    order = order_of(world)
    review = review_by(order, "enterprise", score=4, dims=(5, 4, 3), content="材料准备细致。")
    review_follow_up(review=review, actor=world["enterprise"], content="续展也顺利。")
    url = reverse("services:institution", args=[world["institution"].organisation.pk])
    content = html(client.get(url))
    for text in ("★ 4.0", "服务质量 5.0", "服务态度 4.0", "响应速度 3.0", "材料准备细致。", "续展也顺利。"):
        assert text in content, text
    assert world["enterprise"].organisation.name not in content  # reviewers stay anonymous in public
    content = html(client.get(reverse("services:institutions")))
    assert "★ 4.0" in content and "服务质量 5.0" in content
    content = html(client.get(reverse("reviews:institution", args=[world["institution"].organisation.pk])))
    assert "材料准备细致。" in content
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for _ in range(3):
        review_by(order_of(world), "enterprise")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_the_order_page_shows_its_reviews(client, world):
    order = order_of(world)
    review_by(order, "enterprise", content="企业的评价")
    review_by(order, "institution", content="机构的评价")
    client.force_login(world["enterprise"])
    content = html(client.get(order.get_absolute_url()))
    assert "企业的评价" in content and "机构的评价" in content


def test_the_public_review_list_query_count_is_pinned(client, world, django_assert_max_num_queries):
    review_by(order_of(world), "enterprise")
    url = reverse("reviews:institution", args=[world["institution"].organisation.pk])
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        html(client.get(url))
    for _ in range(3):
        review_by(order_of(world), "enterprise")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert html(client.get(url)).count('class="stars"') == 4


def test_the_admin_hides_a_review_in_its_window_only(client, world, django_assert_max_num_queries):
    order = order_of(world)
    review = review_by(order, "enterprise", score=1, content="脏话")
    foreign = review_by(order_in_state("checked", window_slug="xingqing"), "enterprise")
    changelist = reverse("admin:reviews_review_changelist")
    client.force_login(make_window_admin("yinchuan"))
    client.get(changelist)
    with django_assert_max_num_queries(20) as few:
        content = html(client.get(changelist))
    assert reverse("admin:reviews_review_change", args=[review.pk]) in content
    assert reverse("admin:reviews_review_change", args=[foreign.pk]) not in content
    for _ in range(3):
        review_by(order_of(world), "enterprise")
    with django_assert_max_num_queries(len(few.captured_queries)):
        html(client.get(changelist))
    hide = reverse("admin:reviews_review_transition", args=[review.pk, "hide"])
    assert client.post(hide, {"reason": ""}).status_code == 200
    assert client.post(hide, {"reason": "含有辱骂内容"}).status_code == 302
    review.refresh_from_db()
    assert review.hidden and review.logs.last().reason == "含有辱骂内容"
    assert client.get(reverse("admin:reviews_review_transition", args=[foreign.pk, "hide"])).status_code == 404
    world["institution"].organisation.refresh_from_db()
    assert world["institution"].organisation.rating_count == 3
