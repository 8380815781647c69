"""The messages a newly published policy sends, as a Celery task queued after the
approval commits: a policy may fit thousands of enterprises, and the administrator who
approves it should not wait for every 站内消息 (with a broker it runs in the worker;
without one, in the web process after the commit). Idempotent: a user already told
is skipped, so a retried or repeated task tells nobody twice."""

from celery import shared_task

from .actions import policy_tell_fitting_enterprises


@shared_task(name="policies.tell_fitting_enterprises", acks_late=True)
def tell_fitting_enterprises(policy_id: int) -> int:
    return policy_tell_fitting_enterprises(policy_id=policy_id)
