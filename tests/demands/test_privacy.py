"""Who sees what: the demand's contact, demands in review, bids and their files, others' URLs."""

import pytest
from django.urls import reverse

from demands.models import BidAttachment, Demand
from tests.demands.helpers import (
    INSTITUTION_PRICE,
    RIVAL_PRICE,
    bid_of,
    make_demand,
    make_world,
)
from tests.factories import bidder, order_document, pass_bid_deadline

pytestmark = pytest.mark.django_db

CONTACT_NAME, CONTACT_PHONE = "王经理", "13900000000"  # tests.factories.demand_fields
LOGIN = reverse("account_login")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world():
    world = make_world()
    world["stranger_institution"] = bidder()  # could bid, did not
    return world


def login(client, world, who):
    if who != "anonymous":
        client.force_login(world[who])
    return client


def html(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# The contact (联系人 / 联系方式) -----------------------------------------------------------------------

VIEWERS = [
    "anonymous",
    "owner",
    "other_enterprise",
    "institution",  # bid; wins the awarded demand
    "rival",  # bid; loses the awarded demand
    "stranger_institution",
    "window_admin",
    "other_window_admin",
    "hub_admin",
]
SEES_CONTACT = {"owner", "window_admin", "hub_admin"}


@pytest.mark.parametrize("state", ["bidding", "closed", "awarded", "failed", "voided"])
@pytest.mark.parametrize("who", VIEWERS)
def test_the_contact_is_for_the_winner_the_owner_and_the_staff_only(client, world, state, who):
    demand = make_demand(world, state)
    content = html(login(client, world, who).get(demand.get_absolute_url()))
    assert demand.title in content
    shown = who in SEES_CONTACT or (state == "awarded" and who == "institution")
    assert (CONTACT_PHONE in content) is shown
    assert (CONTACT_NAME in content) is shown


@pytest.mark.parametrize("who", VIEWERS)
def test_the_detail_page_shows_no_other_bid_than_ones_own(client, world, who):
    demand = make_demand(world, "bidding")
    content = html(login(client, world, who).get(demand.get_absolute_url()))
    assert (INSTITUTION_PRICE in content) is (who == "institution")
    assert (RIVAL_PRICE in content) is (who == "rival")
    assert "两名会计师" not in content  # the rival's proposal


def test_the_hall_shows_neither_contacts_nor_bids(client, world):
    make_demand(world, "bidding")
    content = html(login(client, world, "stranger_institution").get(reverse("demands:hall")))
    for secret in (CONTACT_NAME, CONTACT_PHONE, INSTITUTION_PRICE, RIVAL_PRICE):
        assert secret not in content


# Demands in review ------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", ["pending_review", "returned"])
@pytest.mark.parametrize("who", VIEWERS)
def test_a_demand_in_review_is_for_its_enterprise_and_its_reviewers(client, world, state, who):
    demand = make_demand(world, state)
    login(client, world, who)
    allowed = who in ("owner", "window_admin", "hub_admin")
    assert client.get(demand.get_absolute_url()).status_code == (200 if allowed else 404)
    attachment = demand.attachments.get()
    expected = 200 if allowed else 404
    assert client.get(reverse("demands:attachment", args=[attachment.pk])).status_code == expected


@pytest.mark.parametrize("who", VIEWERS)
def test_the_attachments_of_a_public_demand_are_for_signed_in_users(client, world, who):
    demand = make_demand(world, "bidding")
    response = login(client, world, who).get(reverse("demands:attachment", args=[demand.attachments.get().pk]))
    assert response.status_code == (404 if who == "anonymous" else 200)


# Bids ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", [v for v in VIEWERS if v not in ("owner", "anonymous")])
@pytest.mark.parametrize("state", ["bidding", "closed", "awarded"])
def test_the_bid_details_are_404_for_all_but_the_owner(client, world, who, state):
    demand = make_demand(world, state)
    assert login(client, world, who).get(reverse("demands:bids", args=[demand.pk])).status_code == 404


def test_the_bid_details_ask_anonymous_users_to_log_in(client, world):
    demand = make_demand(world, "closed")
    response = client.get(reverse("demands:bids", args=[demand.pk]))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_the_owner_sees_the_bids_only_once_the_deadline_passed(client, world):
    """Sealed bids: 选标 starts at the deadline; before it the enterprise sees how many, not what."""
    demand = make_demand(world, "bidding")
    client.force_login(world["owner"])
    content = html(client.get(reverse("demands:bids", args=[demand.pk])))
    for secret in (INSTITUTION_PRICE, RIVAL_PRICE, world["institution"].organisation.name, "两名会计师"):
        assert secret not in content
    assert reverse("demands:award", args=[demand.pk, bid_of(demand, world["rival"]).pk]) not in content

    pass_bid_deadline(demand)
    content = html(client.get(reverse("demands:bids", args=[demand.pk])))
    for shown in (INSTITUTION_PRICE, RIVAL_PRICE, world["institution"].organisation.name, "两名会计师"):
        assert shown in content
    for who in ("institution", "rival"):
        assert reverse("demands:award", args=[demand.pk, bid_of(demand, world[who]).pk]) in content


BID_FILE_VIEWERS = {
    # who: (before the deadline, after it)
    "anonymous": (404, 404),
    "owner": (404, 200),
    "other_enterprise": (404, 404),
    "institution": (200, 200),
    "rival": (404, 404),
    "stranger_institution": (404, 404),
    "window_admin": (200, 200),
    "other_window_admin": (404, 404),
    "hub_admin": (200, 200),
}


@pytest.mark.parametrize("who", sorted(BID_FILE_VIEWERS))
def test_bid_attachments_are_for_the_bidder_the_owner_after_the_deadline_and_the_staff(client, world, who):
    demand = make_demand(world, "bidding")
    bid = bid_of(demand, world["institution"])
    attachment = BidAttachment.objects.create(
        bid=bid, file=order_document("投标方案.pdf"), original_name="投标方案.pdf"
    )
    url = reverse("demands:bid_attachment", args=[attachment.pk])
    login(client, world, who)
    before, after = BID_FILE_VIEWERS[who]
    assert client.get(url).status_code == before
    pass_bid_deadline(demand)
    assert client.get(url).status_code == after


def test_an_unknown_bid_attachment_is_404(client, world):
    client.force_login(world["hub_admin"])
    assert client.get(reverse("demands:bid_attachment", args=[999999])).status_code == 404


def test_my_bids_lists_only_the_institutions_own(client, world):
    demand = make_demand(world, "bidding")
    client.force_login(world["institution"])
    response = client.get(reverse("demands:my_bids"))
    assert [bid.pk for bid in response.context["page"].object_list] == [bid_of(demand, world["institution"]).pk]
    content = html(response)
    assert INSTITUTION_PRICE in content and RIVAL_PRICE not in content


# Other organisations' URLs ----------------------------------------------------------------------------

OWNER_URLS = ["update", "delete", "fail", "void", "bids", "award"]


def owner_url(name, demand, world):
    if name == "award":
        return reverse("demands:award", args=[demand.pk, bid_of(demand, world["institution"]).pk])
    return reverse(f"demands:{name}", args=[demand.pk])


@pytest.mark.parametrize("name", OWNER_URLS)
@pytest.mark.parametrize(
    "who", ["other_enterprise", "institution", "stranger_institution", "window_admin", "hub_admin"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_other_organisations_get_404_on_the_owners_pages(client, world, name, who, method):
    state = "pending_review" if name in ("update", "delete") else "closed"
    demand = make_demand(world, state)
    before = Demand.objects.filter(pk=demand.pk).values().get()
    login(client, world, who)
    response = getattr(client, method)(owner_url(name, demand, world), {"reason": "越权操作"})
    assert response.status_code == 404
    assert Demand.objects.filter(pk=demand.pk).values().get() == before


@pytest.mark.parametrize("name", OWNER_URLS)
def test_anonymous_users_are_sent_to_the_login_from_the_owners_pages(client, world, name):
    demand = make_demand(world, "closed")
    response = client.get(owner_url(name, demand, world))
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


@pytest.mark.parametrize("who", ["rival", "stranger_institution", "owner", "other_enterprise", "hub_admin"])
def test_another_institutions_bid_cannot_be_edited_or_withdrawn(client, world, who):
    demand = make_demand(world, "bidding")
    bid = bid_of(demand, world["institution"])
    before = type(bid).objects.filter(pk=bid.pk).values().get()
    login(client, world, who)
    assert client.get(reverse("demands:bid_update", args=[bid.pk])).status_code == 404
    data = {"price": "1", "proposal": "篡改", "duration_days": "1"}
    assert client.post(reverse("demands:bid_update", args=[bid.pk]), data).status_code == 404
    assert client.post(reverse("demands:bid_withdraw", args=[bid.pk])).status_code == 404
    assert type(bid).objects.filter(pk=bid.pk).values().get() == before
