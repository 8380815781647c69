"""预警: each default rule fires on crafted data and not just below its threshold; idempotent
evaluation; the timers; the 待处理 → 已核实 → 已关闭 workflow."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from smeportal.errors import ActionRefused
from supervision.actions import warning_close, warning_verify
from supervision.models import EarlyWarning, WarningEvaluation, WarningLog, WarningRule
from supervision.warnings import evaluate, latest_due_period
from tests.complaints.helpers import complaint_in_state
from tests.factories import (
    EnterpriseUserFactory,
    HubAdminFactory,
    OrganisationFactory,
    make_window_admin,
    order_in_state,
)

from .helpers import certified_org, make_report, months_back

pytestmark = pytest.mark.django_db

PERIOD = months_back(0)


def fired(code: str, organisation) -> bool:
    return EarlyWarning.objects.filter(rule__code=code, organisation=organisation).exists()


def test_default_rules_exist():
    rules = {r.code: r for r in WarningRule.objects.all()}
    assert (rules["revenue_yoy"].threshold, rules["revenue_yoy"].level) == (Decimal("30"), "orange")
    assert (rules["employees_qoq"].comparison, rules["employees_qoq"].level) == ("qoq", "yellow")
    assert (rules["missed_reports"].threshold, rules["missed_reports"].level) == (Decimal("2"), "blue")
    assert (rules["tax_yoy"].threshold, rules["tax_yoy"].level) == (Decimal("50"), "red")
    assert rules["institution_complaints"].window_days == 90
    assert rules["institution_score"].min_count == 5


@pytest.mark.parametrize(("revenue", "fires"), [("70.00", True), ("70.01", False)])
def test_revenue_down_30_percent_year_on_year(revenue, fires):
    org = certified_org()
    make_report(org, months_back(12), revenue=Decimal("100"))
    make_report(org, PERIOD, revenue=Decimal(revenue))
    evaluate(PERIOD)
    assert fired("revenue_yoy", org) is fires
    if fires:
        warning = EarlyWarning.objects.get(rule__code="revenue_yoy")
        assert (warning.value, warning.baseline, warning.change, warning.threshold) == (
            Decimal("70.00"),
            Decimal("100.00"),
            Decimal("-30.00"),
            Decimal("30.00"),
        )
        assert warning.level == "orange"
        assert "-30.00%" in warning.explanation and "营业收入同比下降≥30%" in warning.explanation


@pytest.mark.parametrize(("tax", "fires"), [("3.00", True), ("3.01", False)])
def test_tax_down_50_percent_year_on_year(tax, fires):
    org = certified_org()
    make_report(org, months_back(12), tax=Decimal("6"))
    make_report(org, PERIOD, tax=Decimal(tax))
    evaluate(PERIOD)
    assert fired("tax_yoy", org) is fires


@pytest.mark.parametrize(("employees", "fires"), [(80, True), (81, False)])
def test_headcount_down_20_percent_quarter_on_quarter(employees, fires):
    org = certified_org()
    for n in range(3, 6):
        make_report(org, months_back(n), employees=100)
    for n in range(3):
        make_report(org, months_back(n), employees=employees)
    evaluate(PERIOD)
    assert fired("employees_qoq", org) is fires


@pytest.mark.parametrize(("missing", "fires"), [(2, True), (1, False)])
def test_two_missed_reports_in_a_row(missing, fires):
    org = certified_org()
    for n in range(missing, 6):
        make_report(org, months_back(n))
    evaluate(PERIOD)
    assert fired("missed_reports", org) is fires


def test_months_before_certification_are_not_missed():
    org = certified_org(certified_at=timezone.now())
    evaluate(PERIOD)
    assert not fired("missed_reports", org)


def institution(rating_avg, rating_count):
    return OrganisationFactory(
        kind="institution", is_certified=True, district="jinfeng", rating_avg=rating_avg, rating_count=rating_count
    )


@pytest.mark.parametrize(("avg", "count", "fires"), [("2.99", 5, True), ("3.00", 5, False), ("2.00", 4, False)])
def test_institution_average_score_below_3_over_at_least_5_reviews(avg, count, fires):
    org = institution(Decimal(avg), count)
    evaluate(PERIOD)
    assert fired("institution_score", org) is fires


@pytest.mark.parametrize(("upheld", "rejected", "fires"), [(2, 0, True), (1, 1, False)])
def test_institution_with_upheld_complaints_in_90_days(upheld, rejected, fires):
    """Real complaints closed through the actions: only upheld ones count."""
    first = complaint_in_state("closed", result="upheld")
    org = first.order.institution
    service = first.order.service
    for result in ["upheld"] * (upheld - 1) + ["rejected"] * rejected:
        complaint_in_state("closed", order=order_in_state("in_service", service=service), result=result)
    evaluate(PERIOD, timezone.now())
    assert fired("institution_complaints", org) is fires


def test_upheld_complaints_older_than_90_days_do_not_count():
    first = complaint_in_state("closed", result="upheld")
    complaint_in_state("closed", order=order_in_state("in_service", service=first.order.service), result="upheld")
    Complaint.objects.update(closed_at=timezone.now() - datetime.timedelta(days=91))
    evaluate(PERIOD, timezone.now())
    assert fired("institution_complaints", first.order.institution) is False


def test_scope_limits_a_rule_to_a_district():
    rule = WarningRule.objects.get(code="revenue_yoy")
    rule.scope, rule.scope_district = "district", "jinfeng"
    rule.save()
    inside, outside = certified_org(district="jinfeng"), certified_org(district="xingqing")
    for org in (inside, outside):
        make_report(org, months_back(12), revenue=Decimal("100"))
        make_report(org, PERIOD, revenue=Decimal("10"))
    evaluate(PERIOD)
    assert fired("revenue_yoy", inside) and not fired("revenue_yoy", outside)


def test_evaluation_is_idempotent_and_keeps_worked_warnings():
    org = certified_org()
    make_report(org, months_back(12), revenue=Decimal("100"))
    make_report(org, PERIOD, revenue=Decimal("10"))
    first = evaluate(PERIOD)
    assert first >= 1
    warning = EarlyWarning.objects.get(rule__code="revenue_yoy")
    warning_verify(warning=warning, actor=HubAdminFactory(), reason="已电话核实")
    assert evaluate(PERIOD) == 0
    assert EarlyWarning.objects.count() == first
    warning.refresh_from_db()
    assert warning.status == "verified"


def test_institution_warning_is_not_raised_again_while_open():
    org = institution(Decimal("2.5"), 9)
    evaluate(months_back(1))
    evaluate(PERIOD)
    assert EarlyWarning.objects.filter(organisation=org).count() == 1


def test_timers_evaluate_the_latest_month_past_its_deadline_once():
    org = certified_org()
    due = latest_due_period(timezone.now())
    for n in range(1, 6):
        from supervision.models import add_months

        make_report(org, add_months(due, -n - 1))
    out = StringIO()
    call_command("run_timers", stdout=out)
    assert f"for {due:%Y-%m}" in out.getvalue()
    assert WarningEvaluation.objects.filter(period=due).exists()
    assert fired("missed_reports", org)
    out = StringIO()
    call_command("run_timers", stdout=out)
    assert "supervision" not in out.getvalue()


def test_admin_evaluates_on_demand(client):
    org = certified_org()
    client.force_login(HubAdminFactory())
    response = client.post(reverse("supervision:evaluate"))
    assert response.status_code == 302
    assert fired("missed_reports", org)


# Workflow ------------------------------------------------------------------------------


@pytest.fixture
def warning():
    org = certified_org(district="xingqing")
    make_report(org, months_back(12), revenue=Decimal("100"))
    make_report(org, PERIOD, revenue=Decimal("10"))
    evaluate(PERIOD)
    return EarlyWarning.objects.get(rule__code="revenue_yoy")


def move(warning, state):
    admin = HubAdminFactory()
    if state in ("verified", "closed"):
        warning_verify(warning=warning, actor=admin, reason="核实")
    if state == "closed":
        warning_close(warning=warning, actor=admin, reason="企业已恢复生产")
    warning.refresh_from_db()
    return warning


@pytest.mark.parametrize(
    ("state", "action", "allowed", "target"),
    [
        ("open", "verify", True, "verified"),
        ("open", "close", False, None),
        ("verified", "verify", False, None),
        ("verified", "close", True, "closed"),
        ("closed", "verify", False, None),
        ("closed", "close", False, None),
    ],
)
def test_every_state_and_action(warning, state, action, allowed, target):
    warning = move(warning, state)
    logs = WarningLog.objects.count()
    run = warning_verify if action == "verify" else warning_close
    if allowed:
        run(warning=warning, actor=HubAdminFactory(), reason="说明")
        warning.refresh_from_db()
        assert warning.status == target
        log = WarningLog.objects.latest("pk")
        assert (log.from_status, log.to_status, log.reason) == (state, target, "说明")
    else:
        with pytest.raises(ActionRefused):
            run(warning=warning, actor=HubAdminFactory(), reason="说明")
        warning.refresh_from_db()
        assert warning.status == state
        assert WarningLog.objects.count() == logs


def test_a_note_is_required(warning):
    with pytest.raises(ActionRefused):
        warning_verify(warning=warning, actor=HubAdminFactory(), reason="  ")
    warning.refresh_from_db()
    assert warning.status == "open"


def test_window_admin_of_another_district_cannot_work_the_warning(warning):
    with pytest.raises(ActionRefused):
        warning_verify(warning=warning, actor=make_window_admin("jinfeng"), reason="核实")
    warning_verify(warning=warning, actor=make_window_admin("xingqing"), reason="核实")


def test_admin_buttons_work_the_warning_to_closed(client, warning):
    client.force_login(HubAdminFactory())
    base = f"/admin/supervision/earlywarning/{warning.pk}/transition/"
    assert client.post(base + "verify/", {"reason": "已核实"}).status_code == 302
    assert client.post(base + "close/", {"reason": "已处理"}).status_code == 302
    warning.refresh_from_db()
    assert warning.status == "closed"
    assert list(warning.logs.values_list("to_status", flat=True)) == ["verified", "closed"]


def test_window_admin_does_not_see_other_districts_warnings_in_admin(client, warning):
    client.force_login(make_window_admin("jinfeng"))
    assert client.get(f"/admin/supervision/earlywarning/{warning.pk}/change/").status_code in (302, 404)
    page = client.get("/admin/supervision/earlywarning/").content.decode()
    assert warning.organisation.name not in page


def test_enterprise_does_not_see_internal_warnings(client):
    user = EnterpriseUserFactory()
    org = user.organisation
    org.is_certified = True
    org.district = "xingqing"
    org.save()
    make_report(org, months_back(12), revenue=Decimal("100"))
    make_report(org, PERIOD, revenue=Decimal("10"))
    evaluate(PERIOD)
    warning = EarlyWarning.objects.get(rule__code="revenue_yoy", organisation=org)
    client.force_login(user)
    assert warning.explanation not in client.get(reverse("supervision:history")).content.decode()
    WarningRule.objects.filter(code="revenue_yoy").update(visible_to_enterprise=True)
    assert warning.explanation in client.get(reverse("supervision:history")).content.decode()


def test_enterprise_is_notified_of_warnings_shown_to_it_only():
    from notifications.models import Notification

    user = EnterpriseUserFactory()
    org = user.organisation
    org.is_certified = True
    org.save()
    make_report(org, months_back(12), revenue=Decimal("100"), tax=Decimal("10"))
    make_report(org, PERIOD, revenue=Decimal("10"), tax=Decimal("1"))
    WarningRule.objects.filter(code="tax_yoy").update(visible_to_enterprise=True)
    evaluate(PERIOD)
    titles = list(Notification.objects.filter(recipient=user).values_list("title", flat=True))
    assert titles == ["预警：纳税总额同比下降≥50%"]
