"""Identical POSTs of a form at the same instant (PostgreSQL: real transactions, the
unique (user, token) insert waiting for the first one): one object, one answer."""

import pytest
from django.test import Client

from smeportal.idempotency import FIELD, new_token
from smeportal.models import SubmissionToken
from tests.concurrency import race
from tests.smeportal.test_submit_once import ALREADY, FORMS, IDS, messages_of

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("race_db")]

THREADS = 10


@pytest.mark.parametrize("make", FORMS, ids=IDS)
def test_concurrent_identical_posts_make_one_object_and_all_answer_with_it(make):
    form = make()
    data = {**form.data, FIELD: new_token()}
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(form.user)
        clients.append(client)
    responses = [None] * THREADS

    def post(index):
        def call():
            responses[index] = clients[index].post(form.url, data)

        return call

    results = race(*[post(i) for i in range(THREADS)])

    assert results == ["ok"] * THREADS
    assert form.made() == 1
    result = form.result()
    assert [(r.status_code, r.url) for r in responses] == [(302, result)] * THREADS
    # One answer is the creation; every other one says it shows the first result.
    replays = [r for r in responses if ALREADY in messages_of(r)]
    assert len(replays) == THREADS - 1
    assert SubmissionToken.objects.filter(user=form.user).count() == 1
