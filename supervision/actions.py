"""Writes of the supervision app: filing and correcting reports, locking periods, working warnings."""

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.selectors import approved_application
from smeportal.errors import ActionRefused
from smeportal.fsm import lock, run_transition

from .models import EarlyWarning, MonthlyReport, ReportCorrection, ReportingPeriod, WarningLog
from .reporting import FIGURES, baselines, fileable_periods, impossible_values, is_late, large_changes
from .totals import groups_of, report_totals_refresh

QUESTIONNAIRE = ["orders_trend", "funding", "labour", "difficulties", "other_notes"]
FIELDS = FIGURES + QUESTIONNAIRE


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def report_file(
    *,
    organisation,
    actor,
    period: datetime.date,
    values: dict,
    change_note: str = "",
    confirmed: bool = False,
) -> MonthlyReport:
    """File the month's report, or correct it while its period is not locked.

    Large changes (more than 50% against last month or the same month last year)
    need `confirmed` and a note; impossible values are refused. A correction
    writes a ReportCorrection row with the old and new values.
    """
    if organisation is None or organisation.is_institution or not organisation.is_certified:
        raise ActionRefused(_("Only certified enterprises file monthly operating reports."))
    if period not in fileable_periods():
        raise ActionRefused(_("Reports can be filed for last month and the 24 months before it only."))
    errors = impossible_values(values)
    if errors:
        raise ActionRefused(_("Some figures are impossible; please check them."), errors)
    flags = large_changes(values, baselines(organisation, period))
    if flags and not (confirmed and change_note.strip()):
        raise ActionRefused(
            _("Some figures changed by more than 50%; confirm them and explain why."),
            {"change_note": _("Explain the large changes.")},
        )
    now = timezone.now()
    certification = approved_application(organisation)
    with transaction.atomic():
        # Read the lock flag under a row lock: a lock being set now waits for this filing, or wins.
        if ReportingPeriod.objects.select_for_update().filter(period=period, is_locked=True).exists():
            raise ActionRefused(_("This reporting month is locked; its reports can no longer be changed."))
        report = MonthlyReport.objects.select_for_update().filter(organisation=organisation, period=period).first()
        if report is None:
            report = MonthlyReport(
                organisation=organisation,
                period=period,
                submitted_by=actor,
                submitted_at=now,
                is_late=is_late(period, now),
                district=organisation.district or (certification.district if certification else ""),
                industry=certification.industry if certification else "",
                scale=certification.scale if certification else "",
            )
            for name in FIELDS:
                setattr(report, name, values.get(name, "" if name in ("other_notes",) else None))
            report.difficulties = list(values.get("difficulties") or [])
            report.anomaly_flags = flags
            report.anomaly_note = change_note.strip() if flags else ""
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError as error:  # a double submit filed it meanwhile
                raise ActionRefused(_("This month's report was filed already; open it to correct it.")) from error
            report_totals_refresh(groups_of([report]))
            return report
        changes = {}
        for name in FIELDS:
            new = values.get(name)
            if name == "difficulties":
                new = list(new or [])
            old = getattr(report, name)
            same = Decimal(old) == Decimal(new) if name in FIGURES and new is not None else old == new
            if not same:
                changes[name] = [_jsonable(old), _jsonable(new)]
                setattr(report, name, new)
        if not changes:
            return report
        report.anomaly_flags = flags
        if flags:
            report.anomaly_note = change_note.strip()
        report.save()
        ReportCorrection.objects.create(report=report, actor=actor, changes=changes, note=change_note.strip())
        report_totals_refresh(groups_of([report]))
    return report


def period_lock(*, period: datetime.date, actor, locked: bool = True) -> ReportingPeriod:
    """Lock (or unlock) a reporting month: its reports can no longer be corrected."""
    if not (actor.is_active and actor.is_staff):
        raise ActionRefused(_("Only administrators lock reporting months."))
    with transaction.atomic():
        row, _created = ReportingPeriod.objects.select_for_update().get_or_create(period=period)
        row.is_locked = locked
        row.locked_at = timezone.now() if locked else None
        row.locked_by = actor if locked else None
        row.save(update_fields=["is_locked", "locked_at", "locked_by"])
    return row


def _work_warning(warning: EarlyWarning, actor, reason: str, name: str, refused) -> EarlyWarning:
    from .permissions import can_work_warning

    if not reason.strip():
        raise ActionRefused(_("Write a note."))
    with transaction.atomic():
        warning = lock(EarlyWarning, warning.pk)
        if not can_work_warning(actor, warning):
            raise ActionRefused(_("You may not work on this warning."))
        before, after = run_transition(warning, name, refused)
        warning.save(update_fields=["status"])
        WarningLog.objects.create(warning=warning, actor=actor, from_status=before, to_status=after, reason=reason)
    return warning


def warning_verify(*, warning: EarlyWarning, actor, reason: str) -> EarlyWarning:
    """待处理 → 已核实, with the finding."""
    return _work_warning(warning, actor, reason, "verify", _("Only pending warnings can be verified."))


def warning_close(*, warning: EarlyWarning, actor, reason: str) -> EarlyWarning:
    """已核实 → 已关闭, with what was done."""
    return _work_warning(warning, actor, reason, "close", _("Only verified warnings can be closed."))
