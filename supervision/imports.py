"""Import of historical monthly reports from an Excel file (template downloadable).

Every row is checked first; if any row is wrong nothing is imported and each
wrong row is reported with its number. Rows name the enterprise by its
统一社会信用代码 (of its approved certification).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from certification.choices import ApplicationStatus
from certification.models import CertificationApplication
from smeportal.tabular import XLSX, read_table

from .choices import Difficulty, Funding, Labour, OrdersTrend
from .models import MonthlyReport, ReportingPeriod
from .reporting import impossible_values
from .totals import groups_of, report_totals_refresh

TEMPLATE_HEADERS = [
    "统一社会信用代码",
    "年份",
    "月份",
    "营业收入",
    "利润总额",
    "纳税总额",
    "出口额",
    "从业人数",
    "订单",
    "资金",
    "用工",
    "主要困难",
    "其他说明",
]
REQUIRED = TEMPLATE_HEADERS[:8]
MAX_ROWS = 20000
SEPARATORS = ("、", ",", "，", ";", "；")


@dataclass
class ImportResult:
    created: list = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def template_rows():
    return [["91640100MA00000000", 2025, 1, 120.5, 8.2, 6.1, 0, 35, "持平", "正常", "正常", "成本上升、融资困难", ""]]


def _choice(value: str, choices) -> str | None:
    """The code of an answer given as its code or its Chinese label."""
    if not value:
        return ""
    with translation.override("zh-hans"):
        for code, label in choices:
            if value in (code, str(label)):
                return code
    return None


def import_reports(upload, *, actor) -> ImportResult:
    """Import every row or none. A file that cannot be read raises ValidationError (smeportal.tabular)."""
    result = ImportResult()
    values = read_table(upload, max_rows=MAX_ROWS, formats=(XLSX,))
    header = [str(c).strip() if c is not None else "" for c in values[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        result.errors.append((1, _("Missing columns: %(columns)s") % {"columns": "、".join(missing)}))
        return result
    body = values[1:]
    col = {name: header.index(name) for name in TEMPLATE_HEADERS if name in header}

    def cell(row, name):
        index = col.get(name)
        if index is None or index >= len(row) or row[index] is None:
            return ""
        return str(row[index]).strip()

    codes = {cell(row, "统一社会信用代码").upper() for row in body}
    organisations = dict(
        CertificationApplication.objects.filter(status=ApplicationStatus.APPROVED, credit_code__in=codes)
        .select_related("organisation")
        .values_list("credit_code", "organisation_id")
    )
    applications = {
        a.organisation_id: a
        for a in CertificationApplication.objects.filter(
            status=ApplicationStatus.APPROVED, organisation_id__in=organisations.values()
        ).select_related("organisation")
    }
    locked = set(ReportingPeriod.objects.filter(is_locked=True).values_list("period", flat=True))
    existing = set(
        MonthlyReport.objects.filter(organisation_id__in=organisations.values()).values_list(
            "organisation_id", "period"
        )
    )
    seen = set()
    now = timezone.now()
    reports = []
    for number, row in enumerate(body, start=2):
        if all(v in (None, "") for v in row):
            continue
        problems = []
        code = cell(row, "统一社会信用代码").upper()
        organisation_id = organisations.get(code)
        if organisation_id is None:
            problems.append(_("no certified enterprise has the credit code %(code)s") % {"code": code or "—"})
        try:
            year, month = int(float(cell(row, "年份"))), int(float(cell(row, "月份")))
            period = datetime.date(year, month, 1)
            if period > timezone.localdate().replace(day=1):
                problems.append(_("the month is in the future"))
        except ValueError:
            period = None
            problems.append(_("the year or month is not valid"))
        figures = {}
        for name, column in (
            ("revenue", "营业收入"),
            ("profit", "利润总额"),
            ("tax", "纳税总额"),
            ("exports", "出口额"),
        ):
            try:
                figures[name] = Decimal(cell(row, column)).quantize(Decimal("0.01"))
            except InvalidOperation:
                problems.append(_("%(column)s is not a number") % {"column": column})
        try:
            figures["employees"] = int(Decimal(cell(row, "从业人数")))
        except (InvalidOperation, ValueError):
            problems.append(_("%(column)s is not a whole number") % {"column": "从业人数"})
        for name, message in impossible_values(figures).items():
            problems.append(f"{name}: {message}")
        answers = {}
        for name, column, choices in (
            ("orders_trend", "订单", OrdersTrend.choices),
            ("funding", "资金", Funding.choices),
            ("labour", "用工", Labour.choices),
        ):
            code_value = _choice(cell(row, column), choices)
            if code_value is None:
                problems.append(
                    _("%(column)s: unknown answer “%(value)s”") % {"column": column, "value": cell(row, column)}
                )
            answers[name] = code_value or ""
        difficulties = []
        text = cell(row, "主要困难")
        for separator in SEPARATORS:
            text = text.replace(separator, " ")
        for part in text.split():
            code_value = _choice(part, Difficulty.choices)
            if code_value is None:
                problems.append(_("主要困难: unknown answer “%(value)s”") % {"value": part})
            else:
                difficulties.append(code_value)
        if organisation_id and period:
            key = (organisation_id, period)
            if key in existing:
                problems.append(_("this enterprise has a report for this month already"))
            elif key in seen:
                problems.append(_("the same enterprise and month appear twice in the file"))
            if period in locked:
                problems.append(_("the month is locked"))
            seen.add(key)
        if problems:
            result.errors.append((number, "；".join(str(p) for p in problems)))
            continue
        application = applications[organisation_id]
        reports.append(
            MonthlyReport(
                organisation_id=organisation_id,
                period=period,
                **figures,
                **answers,
                difficulties=difficulties,
                other_notes=cell(row, "其他说明")[:500],
                district=application.organisation.district or application.district,
                industry=application.industry,
                scale=application.scale,
                imported=True,
                submitted_by=actor,
                submitted_at=now,
                is_late=False,  # history: when it was first reported is not known
            )
        )
    if result.errors:
        return result
    with transaction.atomic():
        result.created = MonthlyReport.objects.bulk_create(reports)
        report_totals_refresh(groups_of(reports))
    return result
