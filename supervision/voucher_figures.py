"""监管看板 → 服务券 (issue 16): where the voucher budgets went.

Amounts by programme, district (the enterprise's), service category and month: the
budget, what was issued, what orders hold, what was redeemed (核销 at 已验收) and what
was paid out (兑付). A window administrator sees the programmes of their windows.
"""

from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from accounts.models import District
from orders.models import TERMINAL_STATUSES, Order, OrderStatus
from reimbursements.models import Reimbursement, ReimbursementStatus
from vouchers.models import Voucher, VoucherProgramme, VoucherStatus

from .dashboard import Filters, Table, _label, _money
from .models import add_months
from .permissions import Coverage

STATES = [VoucherStatus.AVAILABLE, VoucherStatus.HELD, VoucherStatus.REDEEMED, VoucherStatus.EXPIRED]


def _vouchers(coverage: Coverage, filters: Filters):
    queryset = Voucher.objects.filter(coverage.window_q("programme__window_id"))
    if filters.window is not None:
        queryset = queryset.filter(programme__window=filters.window)
    if filters.district:
        queryset = queryset.filter(owner__district=filters.district)
    return queryset


def _paid(coverage: Coverage, filters: Filters):
    return Reimbursement.objects.filter(
        status=ReimbursementStatus.PAID, voucher__in=_vouchers(coverage, filters).values("pk")
    )


def _amounts_by(queryset, key: str) -> dict:
    """{(key value, status): amount} of vouchers: their face values, except that a
    redeemed voucher counts what it paid (the rest went back to the budget)."""
    return {
        (row[key], row["status"]): row["amount"]
        for row in queryset.values(key, "status").annotate(amount=Sum(Coalesce("used_amount", "amount"))).order_by()
    }


def _row(amounts: dict, key, paid: dict) -> list:
    issued = sum((amounts.get((key, s)) or Decimal(0)) for s in STATES)
    return [
        _money(issued),
        _money(amounts.get((key, VoucherStatus.HELD))),
        _money(amounts.get((key, VoucherStatus.REDEEMED))),
        _money(paid.get(key)),
        _money(amounts.get((key, VoucherStatus.EXPIRED))),
    ]


def _headers():
    return [
        _("Issued (yuan)"),
        _("Held by orders (yuan)"),
        _("Redeemed (yuan)"),
        _("Paid out (yuan)"),
        _("Expired (yuan)"),
    ]


def by_programme(coverage: Coverage, filters: Filters) -> Table:
    programmes = VoucherProgramme.objects.filter(coverage.window_q()).select_related("window").order_by("-year", "pk")
    if filters.window is not None:
        programmes = programmes.filter(window=filters.window)
    vouchers = _vouchers(coverage, filters)
    amounts = _amounts_by(vouchers, "programme_id")
    paid = dict(_paid(coverage, filters).values_list("voucher__programme_id").annotate(total=Sum("amount")).order_by())
    rows = [
        [p.name, p.window.name, p.year, _money(p.budget), *_row(amounts, p.pk, paid), _money(p.remaining)]
        for p in programmes
    ]
    return Table(
        "voucher_programme",
        _("By programme"),
        [_("voucher programme"), _("window"), _("year"), _("Budget (yuan)"), *_headers(), _("Budget left (yuan)")],
        rows,
        note=_("Budget left: the budget less the vouchers issued and not expired."),
    )


def by_district(coverage: Coverage, filters: Filters) -> Table:
    vouchers = _vouchers(coverage, filters)
    amounts = _amounts_by(vouchers, "owner__district")
    paid = dict(_paid(coverage, filters).values_list("voucher__owner__district").annotate(t=Sum("amount")).order_by())
    order = {code: n for n, code in enumerate(District.values)}
    districts = sorted({key for key, _status in amounts}, key=lambda d: order.get(d, len(order)))
    rows = [[_label(District.choices, d), *_row(amounts, d, paid)] for d in districts]
    return Table("voucher_district", _("By district of the enterprise"), [_("district"), *_headers()], rows)


def by_category(coverage: Coverage, filters: Filters) -> Table:
    """What the vouchers paid for: orders holding or having redeemed one, by service category."""
    orders = Order.objects.filter(voucher__in=_vouchers(coverage, filters).values("pk"))
    figures = (
        orders.values("service__category__name")
        .annotate(
            n=Count("pk"),
            held=Sum("voucher_amount", filter=~_checked_or_ended()),
            redeemed=Sum("voucher_amount", filter=_checked()),
            paid=Sum("reimbursement__amount", filter=_paid_claim()),
        )
        .order_by("service__category__name")
    )
    rows = [
        [
            row["service__category__name"] or _("Not given"),
            row["n"],
            _money(row["held"]),
            _money(row["redeemed"]),
            _money(row["paid"]),
        ]
        for row in figures
    ]
    return Table(
        "voucher_category",
        _("By service category"),
        [
            _("service category"),
            _("Orders paid with vouchers"),
            _("Held by orders (yuan)"),
            _("Redeemed (yuan)"),
            _("Paid out (yuan)"),
        ],
        rows,
    )


def _checked():
    return Q(status=OrderStatus.CHECKED)


def _checked_or_ended():
    return Q(status=OrderStatus.CHECKED) | Q(status__in=TERMINAL_STATUSES)


def _paid_claim():
    return Q(reimbursement__status=ReimbursementStatus.PAID)


def by_month(coverage: Coverage, filters: Filters) -> Table:
    months = [add_months(filters.period, -n) for n in range(11, -1, -1)]
    vouchers = _vouchers(coverage, filters)
    issued = _per_month(vouchers, "issued_at", "amount")
    accepted = Order.objects.filter(voucher__in=vouchers.values("pk"), status=OrderStatus.CHECKED)
    redeemed = _per_month(accepted, "checked_at", "voucher_amount")
    paid = _per_month(_paid(coverage, filters), "paid_at", "amount")
    rows = [[f"{m:%Y-%m}", _money(issued.get(m)), _money(redeemed.get(m)), _money(paid.get(m))] for m in months]
    headers = [_("Month"), _("Issued (yuan)"), _("Redeemed (yuan)"), _("Paid out (yuan)")]
    return Table("voucher_month", _("Per month"), headers, rows)


def _per_month(queryset, date_field: str, amount_field: str) -> dict:
    return {
        row["month"].date() if hasattr(row["month"], "date") else row["month"]: row["total"]
        for row in queryset.annotate(month=TruncMonth(date_field))
        .values("month")
        .annotate(total=Sum(amount_field))
        .order_by()
    }


def voucher_tables(coverage: Coverage, filters: Filters) -> list[Table]:
    return [
        by_programme(coverage, filters),
        by_district(coverage, filters),
        by_category(coverage, filters),
        by_month(coverage, filters),
    ]
