"""答疑 and 补充说明: who may ask, answer and clarify, when, anonymity on the public page, notices, query counts."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from demands.actions import demand_approve, demand_clarification_publish, demand_question_answer, demand_question_ask
from demands.models import DemandClarification, DemandEvent, DemandLog, DemandQuestion
from smeportal.errors import ActionRefused
from tests.demands.helpers import (
    active_users,
    last_notification_pk,
    make_demand,
    make_world,
    notifications_after,
    recipients,
    snapshot,
    users_counter,
)
from tests.factories import (
    HubAdminFactory,
    InstitutionUserFactory,
    bidder,
    certified_institution,
    pass_bid_deadline,
)
from tests.once import with_token

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
QUESTION = "投标文件是否需要盖章？"
ANSWER = "需要加盖公章。"
CLARIFICATION = "检测范围增加二号厂房。"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def asker():
    """A certified institution of the window that has not bid."""
    return bidder()


def ask_url(demand):
    return reverse("demands:question_ask", args=[demand.pk])


def answer_url(question):
    return reverse("demands:question_answer", args=[question.pk])


def clarify_url(demand):
    return reverse("demands:clarification_publish", args=[demand.pk])


def error_messages(response):
    return [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "error"]


# The actions ------------------------------------------------------------------------


def test_a_certified_institution_asks_and_the_enterprise_is_told(world, asker):
    demand = make_demand(world, "bidding")
    mark = last_notification_pk()
    question = demand_question_ask(demand=demand, actor=asker, question=QUESTION)
    assert question.asked_by == asker.organisation
    assert question.answer == "" and question.answered_at is None
    assert recipients(notifications_after(mark)) == users_counter(active_users(world["owner"].organisation))


def test_the_answer_is_logged_and_every_bidder_is_told(world, asker):
    demand = make_demand(world, "bidding")
    question = demand_question_ask(demand=demand, actor=asker, question=QUESTION)
    mark = last_notification_pk()
    demand_question_answer(question=question, actor=world["owner"], answer=ANSWER)
    question.refresh_from_db()
    assert question.answer == ANSWER and question.answered_at is not None
    assert DemandLog.objects.filter(demand=demand, event=DemandEvent.ANSWERED).count() == 1
    expected = users_counter(active_users(world["institution"].organisation), active_users(world["rival"].organisation))
    notes = notifications_after(mark)
    assert recipients(notes) == expected  # the asker has not bid: it reads the answer on the page
    assert all(n.url == demand.get_absolute_url() for n in notes)


def test_a_clarification_tells_the_bidders_they_may_modify_or_withdraw(world):
    demand = make_demand(world, "bidding")
    mark = last_notification_pk()
    demand_clarification_publish(demand=demand, actor=world["owner"], text=CLARIFICATION)
    assert DemandClarification.objects.get(demand=demand).text == CLARIFICATION
    assert DemandLog.objects.filter(demand=demand, event=DemandEvent.CLARIFIED).count() == 1
    notes = notifications_after(mark)
    assert recipients(notes) == users_counter(
        active_users(world["institution"].organisation), active_users(world["rival"].organisation)
    )
    assert all("撤回" in n.body for n in notes)


def test_a_clarification_without_bids_tells_nobody(world):
    demand = make_demand(world, "pending_review")
    demand_approve(demand=demand, actor=HubAdminFactory())
    mark = last_notification_pk()
    demand_clarification_publish(demand=demand, actor=world["owner"], text=CLARIFICATION)
    assert notifications_after(mark) == []


@pytest.mark.parametrize(
    "who",
    ["owner", "other_enterprise", "window_admin", "hub_admin", "anonymous", "uncertified", "outside_window"],
)
def test_only_certified_institutions_of_the_window_may_ask(world, who):
    demand = make_demand(world, "bidding")
    actor = {
        "uncertified": lambda: InstitutionUserFactory(),
        "outside_window": lambda: certified_institution("xingqing"),
    }.get(who, lambda: world[who])()
    before = snapshot(demand)
    with pytest.raises(ActionRefused) as refused:
        demand_question_ask(demand=demand, actor=actor, question=QUESTION)
    assert "认证" in str(refused.value.message)
    assert snapshot(demand) == before
    assert not DemandQuestion.objects.exists()


@pytest.mark.parametrize("state", ["pending_review", "returned", "closed", "awarded", "failed", "voided"])
def test_no_question_answer_or_clarification_unless_open_for_bids(world, asker, state):
    open_demand = make_demand(world, "bidding")
    question = demand_question_ask(demand=open_demand, actor=asker, question=QUESTION)
    demand = make_demand(world, state)
    if state != "closed":
        # the open demand's question, on a demand in `state`
        question = DemandQuestion.objects.create(demand=demand, asked_by=asker.organisation, question=QUESTION)
    else:
        demand = pass_bid_deadline(open_demand)
    before = snapshot(demand), list(DemandQuestion.objects.values()), DemandClarification.objects.count()
    with pytest.raises(ActionRefused):
        demand_question_ask(demand=demand, actor=world["rival"], question=QUESTION)
    with pytest.raises(ActionRefused):
        demand_question_answer(question=question, actor=world["owner"], answer=ANSWER)
    with pytest.raises(ActionRefused):
        demand_clarification_publish(demand=demand, actor=world["owner"], text=CLARIFICATION)
    assert (snapshot(demand), list(DemandQuestion.objects.values()), DemandClarification.objects.count()) == before


@pytest.mark.parametrize("who", ["other_enterprise", "institution", "window_admin", "anonymous"])
def test_only_the_owner_enterprise_answers_and_clarifies(world, asker, who):
    demand = make_demand(world, "bidding")
    question = demand_question_ask(demand=demand, actor=asker, question=QUESTION)
    before = snapshot(demand), list(DemandQuestion.objects.values())
    with pytest.raises(ActionRefused):
        demand_question_answer(question=question, actor=world[who], answer=ANSWER)
    with pytest.raises(ActionRefused):
        demand_clarification_publish(demand=demand, actor=world[who], text=CLARIFICATION)
    assert (snapshot(demand), list(DemandQuestion.objects.values())) == before


def test_a_question_is_answered_once(world, asker):
    demand = make_demand(world, "bidding")
    question = demand_question_ask(demand=demand, actor=asker, question=QUESTION)
    demand_question_answer(question=question, actor=world["owner"], answer=ANSWER)
    with pytest.raises(ActionRefused):
        demand_question_answer(question=question, actor=world["owner"], answer="另一个答复")
    question.refresh_from_db()
    assert question.answer == ANSWER


def test_empty_or_too_long_text_is_refused(world, asker):
    demand = make_demand(world, "bidding")
    for text in ["   ", "问" * 1001]:
        with pytest.raises(ActionRefused):
            demand_question_ask(demand=demand, actor=asker, question=text)
    assert not DemandQuestion.objects.exists()


# The pages --------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in(client, world, asker):
    demand = make_demand(world, "bidding")
    question = demand_question_ask(demand=demand, actor=asker, question=QUESTION)
    for url, data in [
        (ask_url(demand), with_token({"question": QUESTION})),
        (answer_url(question), {"answer": ANSWER}),
        (clarify_url(demand), with_token({"text": CLARIFICATION})),
    ]:
        response = client.post(url, data)
        assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert DemandQuestion.objects.count() == 1 and not DemandClarification.objects.exists()


def test_an_institution_asks_on_the_page(client, world, asker):
    demand = make_demand(world, "bidding")
    client.force_login(asker)
    page = client.get(demand.get_absolute_url())
    assert ask_url(demand) in page.content.decode()
    response = client.post(ask_url(demand), with_token({"question": QUESTION}))
    assert response.status_code == 302
    assert DemandQuestion.objects.get().asked_by == asker.organisation


def test_a_refused_question_keeps_the_text_and_says_why_in_chinese(client, world):
    demand = make_demand(world, "bidding")
    client.force_login(InstitutionUserFactory())  # not certified
    response = client.post(ask_url(demand), with_token({"question": QUESTION}))
    assert response.status_code == 200
    assert QUESTION in response.content.decode()
    assert any("认证" in m for m in error_messages(response))
    assert not DemandQuestion.objects.exists()


def test_a_refused_question_on_a_closed_demand_changes_nothing(client, world, asker):
    demand = pass_bid_deadline(make_demand(world, "bidding"))
    client.force_login(asker)
    response = client.post(ask_url(demand), with_token({"question": QUESTION}))
    assert response.status_code == 200
    assert error_messages(response) and QUESTION in response.content.decode()
    assert not DemandQuestion.objects.exists()


def test_the_owner_answers_and_clarifies_on_the_page(client, world, asker):
    demand = make_demand(world, "bidding")
    question = demand_question_ask(demand=demand, actor=asker, question=QUESTION)
    client.force_login(world["owner"])
    page = client.get(demand.get_absolute_url()).content.decode()
    assert answer_url(question) in page and clarify_url(demand) in page
    assert client.post(answer_url(question), {"answer": ANSWER}).status_code == 302
    assert client.post(clarify_url(demand), with_token({"text": CLARIFICATION})).status_code == 302
    question.refresh_from_db()
    assert question.answer == ANSWER
    assert DemandClarification.objects.get().text == CLARIFICATION


def test_a_refused_answer_keeps_the_text(client, world, asker):
    demand = make_demand(world, "bidding")
    question = demand_question_ask(demand=demand, actor=asker, question=QUESTION)
    pass_bid_deadline(demand)
    client.force_login(world["owner"])
    response = client.post(answer_url(question), {"answer": ANSWER})
    assert response.status_code == 200 and ANSWER in response.content.decode()
    assert error_messages(response)
    question.refresh_from_db()
    assert question.answer == ""


@pytest.mark.parametrize("who", ["other_enterprise", "institution", "rival"])
def test_another_organisation_cannot_answer_or_clarify(client, world, asker, who):
    demand = make_demand(world, "bidding")
    question = demand_question_ask(demand=demand, actor=asker, question=QUESTION)
    client.force_login(world[who])
    assert client.post(answer_url(question), {"answer": ANSWER}).status_code == 404
    assert client.post(clarify_url(demand), with_token({"text": CLARIFICATION})).status_code == 404
    question.refresh_from_db()
    assert question.answer == "" and not DemandClarification.objects.exists()


def test_the_public_page_never_names_who_asked(client, world, asker):
    demand = make_demand(world, "bidding")
    question = demand_question_ask(demand=demand, actor=asker, question=QUESTION)
    demand_question_answer(question=question, actor=world["owner"], answer=ANSWER)
    demand_clarification_publish(demand=demand, actor=world["owner"], text=CLARIFICATION)
    name = asker.organisation.name
    for viewer in [None, world["institution"], world["rival"], world["owner"], asker]:
        client.logout()
        if viewer is not None:
            client.force_login(viewer)
        html = client.get(demand.get_absolute_url()).content.decode()
        assert QUESTION in html and ANSWER in html and CLARIFICATION in html
        assert name not in html


def test_the_demand_page_query_count_does_not_grow_with_the_questions(
    client, world, asker, django_assert_max_num_queries
):
    demand = make_demand(world, "bidding")
    client.force_login(world["institution"])

    def ask(n):
        for i in range(n):
            question = demand_question_ask(demand=demand, actor=asker, question=f"{QUESTION} {i}")
            demand_question_answer(question=question, actor=world["owner"], answer=ANSWER)
            demand_clarification_publish(demand=demand, actor=world["owner"], text=f"{CLARIFICATION} {i}")

    ask(1)
    client.get(demand.get_absolute_url())  # warm the session and the caches
    with django_assert_max_num_queries(14) as few:
        client.get(demand.get_absolute_url())
    ask(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(demand.get_absolute_url())
    assert response.content.decode().count(ANSWER) == 11


def test_a_question_sent_twice_is_asked_once(client, world, asker):
    demand = make_demand(world, "bidding")
    client.force_login(asker)
    data = with_token({"question": QUESTION})
    first = client.post(ask_url(demand), data)
    second = client.post(ask_url(demand), data)
    assert first.status_code == second.status_code == 302
    assert DemandQuestion.objects.count() == 1
