"""预警: evaluate the warning rules for a reporting month (idempotent).

A warning is unique per (rule, organisation, month): evaluating again creates
only what is missing and never touches warnings already raised or worked on.
"""

import datetime
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationKind, User
from certification.choices import ApplicationStatus
from certification.models import CertificationApplication
from complaints.models import Complaint, ComplaintResult

from .choices import REPORT_INDICATORS, Comparison, Indicator, Scope, WarningStatus
from .models import EarlyWarning, MonthlyReport, WarningEvaluation, WarningRule, add_months, due_date, month_start

HUNDRED = Decimal(100)
LOOKBACK = 13  # months of reports an evaluation reads (year on year needs 12 back)


def _change(value: Decimal, baseline: Decimal) -> Decimal | None:
    if baseline is None or value is None or baseline <= 0:
        return None
    return ((value - baseline) / baseline * HUNDRED).quantize(Decimal("0.01"))


def _scope_matches(rule: WarningRule, district: str, industry: str) -> bool:
    if rule.scope == Scope.DISTRICT:
        return district == rule.scope_district
    if rule.scope == Scope.INDUSTRY:
        return industry == rule.scope_industry
    return True


def _report_value(series: dict, indicator: str, comparison: str, period: datetime.date):
    """(value, baseline) of one enterprise's indicator; None when a needed month is missing."""

    def at(month):
        row = series.get(month)
        return None if row is None else Decimal(row[indicator])

    if comparison == Comparison.ABSOLUTE:
        return at(period), None
    if comparison in (Comparison.YOY, Comparison.MOM):
        back = 12 if comparison == Comparison.YOY else 1
        return at(period), at(add_months(period, -back))
    # Quarter on quarter: the three months to `period` against the three before;
    # flows are summed, the headcount (a stock) is averaged.
    this = [at(add_months(period, -n)) for n in range(3)]
    before = [at(add_months(period, -n)) for n in range(3, 6)]
    if None in this or None in before:
        return None, None
    if indicator == Indicator.EMPLOYEES:
        return (sum(this) / 3).quantize(Decimal("0.01")), (sum(before) / 3).quantize(Decimal("0.01"))
    return sum(this), sum(before)


def _missed_in_a_row(series: dict, period: datetime.date, first_due: datetime.date) -> int:
    count, month = 0, period
    while month >= first_due and month not in series and count < LOOKBACK:
        count += 1
        month = add_months(month, -1)
    return count


def _explain(rule: WarningRule, value, baseline, change) -> str:
    comparison = rule.get_comparison_display()
    indicator = rule.get_indicator_display()
    if rule.indicator in REPORT_INDICATORS and rule.comparison != Comparison.ABSOLUTE:
        return _(
            "%(indicator)s %(comparison)s: %(change)s%% (this period %(value)s, baseline %(baseline)s); "
            "the rule “%(rule)s” fires at a drop of %(threshold)s%% or more."
        ) % {
            "indicator": indicator,
            "comparison": comparison,
            "change": change,
            "value": value,
            "baseline": baseline,
            "rule": rule.name,
            "threshold": rule.threshold,
        }
    if rule.indicator == Indicator.AVERAGE_SCORE:
        return _(
            "%(indicator)s %(value)s over %(count)s reviews; the rule “%(rule)s” fires below %(threshold)s "
            "with at least %(min)s reviews."
        ) % {
            "indicator": indicator,
            "value": value,
            "count": baseline,
            "rule": rule.name,
            "threshold": rule.threshold,
            "min": rule.min_count,
        }
    if rule.indicator == Indicator.UPHELD_COMPLAINTS:
        return _(
            "%(indicator)s in the last %(days)s days: %(value)s; the rule “%(rule)s” fires at %(threshold)s or more."
        ) % {
            "indicator": indicator,
            "days": rule.window_days,
            "value": value,
            "rule": rule.name,
            "threshold": rule.threshold.normalize(),
        }
    if rule.indicator == Indicator.MISSED_REPORTS:
        return _("%(indicator)s: %(value)s; the rule “%(rule)s” fires at %(threshold)s or more.") % {
            "indicator": indicator,
            "value": value,
            "rule": rule.name,
            "threshold": rule.threshold.normalize(),
        }
    return _("%(indicator)s: %(value)s; the rule “%(rule)s” fires below %(threshold)s.") % {
        "indicator": indicator,
        "value": value,
        "rule": rule.name,
        "threshold": rule.threshold,
    }


def _enterprise_hits(rules, period: datetime.date):
    enterprises = list(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, is_certified=True).values(
            "pk", "district", "certified_at"
        )
    )
    industry = dict(
        CertificationApplication.objects.filter(
            status=ApplicationStatus.APPROVED, kind=OrganisationKind.ENTERPRISE
        ).values_list("organisation_id", "industry")
    )
    series: dict[int, dict] = defaultdict(dict)
    rows = MonthlyReport.objects.filter(period__gte=add_months(period, -LOOKBACK), period__lte=period).values(
        "organisation_id", "period", "revenue", "profit", "tax", "exports", "employees"
    )
    for row in rows:
        series[row["organisation_id"]][row["period"]] = row
    for org in enterprises:
        district, trade = org["district"], industry.get(org["pk"], "")
        own = series.get(org["pk"], {})
        for rule in rules:
            if not _scope_matches(rule, district, trade):
                continue
            if rule.indicator == Indicator.MISSED_REPORTS:
                certified = org["certified_at"]
                first_due = month_start(timezone.localdate(certified)) if certified else period
                missed = _missed_in_a_row(own, period, first_due)
                if missed >= rule.threshold:
                    yield rule, org["pk"], district, trade, Decimal(missed), None, None
                continue
            if rule.indicator not in REPORT_INDICATORS:
                continue
            value, baseline = _report_value(own, rule.indicator, rule.comparison, period)
            if value is None:
                continue
            if rule.comparison == Comparison.ABSOLUTE:
                if value < rule.threshold:
                    yield rule, org["pk"], district, trade, value, None, None
                continue
            change = _change(value, baseline)
            if change is not None and change <= -rule.threshold:
                yield rule, org["pk"], district, trade, value, baseline, change


def upheld_complaint_counts(since: datetime.datetime) -> dict[int, int]:
    """Upheld complaints closed since `since`, per institution."""
    rows = (
        Complaint.objects.filter(result=ComplaintResult.UPHELD, closed_at__gte=since)
        .values("order__institution_id")
        .annotate(n=Count("pk"))
    )
    return {row["order__institution_id"]: row["n"] for row in rows}


def _institution_hits(rules, now: datetime.datetime):
    institutions = list(
        Organisation.objects.filter(kind=OrganisationKind.INSTITUTION, is_certified=True).values(
            "pk", "district", "rating_avg", "rating_count"
        )
    )
    for rule in rules:
        if rule.indicator == Indicator.UPHELD_COMPLAINTS:
            counts = upheld_complaint_counts(now - datetime.timedelta(days=rule.window_days))
            for org in institutions:
                n = counts.get(org["pk"], 0)
                if _scope_matches(rule, org["district"], "") and n >= rule.threshold:
                    yield rule, org["pk"], org["district"], "", Decimal(n), None, None
        elif rule.indicator == Indicator.AVERAGE_SCORE:
            for org in institutions:
                avg, count = org["rating_avg"], org["rating_count"]
                if avg is None or count < max(1, rule.min_count) or not _scope_matches(rule, org["district"], ""):
                    continue
                if avg < rule.threshold:
                    yield rule, org["pk"], org["district"], "", avg, Decimal(count), None


def evaluate(period: datetime.date, now: datetime.datetime | None = None) -> int:
    """Raise the warnings of `period` that are not raised yet; return how many were created."""
    now = now or timezone.now()
    rules = list(WarningRule.objects.filter(is_active=True))
    enterprise_rules = [r for r in rules if r.indicator not in (Indicator.UPHELD_COMPLAINTS, Indicator.AVERAGE_SCORE)]
    institution_rules = [r for r in rules if r not in enterprise_rules]
    hits = list(_enterprise_hits(enterprise_rules, period)) + list(_institution_hits(institution_rules, now))
    with transaction.atomic():
        existing = set(EarlyWarning.objects.filter(period=period).values_list("rule_id", "organisation_id"))
        # An institution's warning stays one warning until it is closed, whatever the month.
        still_open = set(
            EarlyWarning.objects.filter(rule__in=institution_rules)
            .exclude(status=WarningStatus.CLOSED)
            .values_list("rule_id", "organisation_id")
        )
        new = []
        with translation.override(settings.LANGUAGE_CODE):
            for rule, org_id, district, trade, value, baseline, change in hits:
                key = (rule.pk, org_id)
                if key in existing or (rule in institution_rules and key in still_open):
                    continue
                existing.add(key)
                new.append(
                    EarlyWarning(
                        rule=rule,
                        organisation_id=org_id,
                        period=period,
                        level=rule.level,
                        indicator=rule.indicator,
                        comparison=rule.comparison,
                        value=value,
                        baseline=baseline,
                        change=change,
                        threshold=rule.threshold,
                        explanation=_explain(rule, value, baseline, change),
                        district=district,
                        industry=trade,
                    )
                )
        EarlyWarning.objects.bulk_create(new, ignore_conflicts=True)
        WarningEvaluation.objects.update_or_create(period=period, defaults={"evaluated_at": now, "raised": len(new)})
        _notify_enterprises([w for w in new if w.rule.visible_to_enterprise])
    return len(new)


def _notify_enterprises(warnings: list[EarlyWarning]) -> None:
    """Warnings of rules shown to the enterprise are sent to its users (internal ones never are)."""
    if not warnings:
        return
    from notifications.actions import notify

    users = defaultdict(list)
    for user in User.objects.filter(organisation_id__in={w.organisation_id for w in warnings}, is_active=True):
        users[user.organisation_id].append(user)
    url = reverse("supervision:history")
    with translation.override(settings.LANGUAGE_CODE):
        for warning in warnings:
            for user in users[warning.organisation_id]:
                notify(
                    recipient=user,
                    title=_("Early warning: %(rule)s") % {"rule": warning.rule.name},
                    body=warning.explanation,
                    url=url,
                )


def latest_due_period(now: datetime.datetime) -> datetime.date:
    """The latest reporting month whose deadline has passed."""
    today = timezone.localdate(now)
    period = add_months(today, -1)
    if today <= due_date(period):
        period = add_months(period, -1)
    return period


def due_evaluation(now: datetime.datetime) -> datetime.date | None:
    """The latest month past its deadline, unless its warnings were evaluated already."""
    period = latest_due_period(now)
    if WarningEvaluation.objects.filter(period=period).exists():
        return None
    return period
