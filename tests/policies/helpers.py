import datetime

from django.test import TestCase
from django.utils import timezone

from policies.actions import policy_approve, policy_save, policy_submit
from policies.models import Policy
from tests.factories import HubAdminFactory, make_window_admin, window


def draft(slug="xingqing", author=None, **fields) -> Policy:
    """A draft policy of a window, written by one of its administrators through policy_save."""
    author = author or make_window_admin(slug)
    values = {
        "title": "兴庆区小型制造业企业技术改造资金扶持",
        "issuing_body": "兴庆区工业和信息化局",
        "document_number": "兴工信发〔2026〕12号",
        "category": "funding",
        "body": "<p>按设备投资额的 10% 给予补助。</p>",
        "application_deadline": timezone.localdate() + datetime.timedelta(days=10),
        **fields,
    }
    return policy_save(policy=Policy(window=window(slug), **values), actor=author)


def published(slug="xingqing", **fields) -> Policy:
    """A policy drafted by a window administrator and approved by a hub administrator,
    with what runs after the commit (the messages to the enterprises it fits) run."""
    policy = draft(slug, **fields)
    policy_submit(policy=policy, actor=policy.created_by)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return policy_approve(policy=policy, actor=HubAdminFactory())
