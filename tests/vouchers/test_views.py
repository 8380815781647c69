"""我的服务券: who sees it, 申领 from the page, one voucher per submission."""

import pytest
from django.urls import reverse

from smeportal.idempotency import FIELD, new_token
from tests.factories import EnterpriseUserFactory, certified_enterprise, certified_institution
from tests.once import with_token
from vouchers.actions import voucher_apply
from vouchers.models import Voucher

from .helpers import programme

pytestmark = pytest.mark.django_db
URL = reverse("vouchers:mine")


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_institution_gets_404(client):
    client.force_login(certified_institution())
    assert client.get(URL).status_code == 404


def test_the_page_lists_open_programmes_and_the_vouchers_by_status(client, django_assert_max_num_queries):
    user = certified_enterprise()
    scheme = programme()
    programme(name="已关闭的项目", open_for_applications=False)
    voucher = voucher_apply(programme=scheme, actor=user)
    client.force_login(user)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "我的服务券" in page and scheme.name in page and voucher.number in page
    assert "已关闭的项目" not in page
    assert "申领" in page
    for _ in range(5):
        voucher_apply(programme=programme(name="另一个项目"), actor=user)
    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


def test_applying_from_the_page_issues_one_voucher_and_a_replay_makes_no_second(client):
    user = certified_enterprise()
    scheme = programme()
    client.force_login(user)
    data = with_token(programme=scheme.pk)
    response = client.post(URL, data, follow=True)
    assert "已领取服务券" in response.content.decode()
    assert Voucher.objects.filter(owner=user.organisation).count() == 1
    client.post(URL, data)
    assert Voucher.objects.filter(owner=user.organisation).count() == 1


def test_a_refused_application_says_why_in_chinese_and_makes_nothing(client):
    user = EnterpriseUserFactory()  # not certified
    scheme = programme()
    client.force_login(user)
    response = client.post(URL, {"programme": scheme.pk, FIELD: new_token()})
    assert response.status_code == 200
    assert "只有通过认证的企业可以领取服务券" in response.content.decode()
    assert not Voucher.objects.exists()
