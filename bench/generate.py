"""Bench data: many certified institutions and listed services, fast.

    DATABASE_URL=postgres://... python bench/generate.py --services 100000

Rows are bulk-inserted (the review workflow is not what is measured); search
vectors are computed with smeportal.search exactly as service_approve does.
Orders (--orders, default 1,000,000) are spread over certified enterprises, with
one heavy enterprise and one heavy institution (`bench_enterprise`, `bench_institution`,
password "bench") whose lists the benchmark opens. --demands (40,000) open demands with
bids for 需求大厅; --reports (2,400,000) monthly reports, 24 months of --reports / 24
enterprises, written with COPY, for the 监管看板; `bench_admin` (a hub administrator)
opens the dashboard. Every size also comes from BENCH_SERVICES, BENCH_INSTITUTIONS,
BENCH_ORDERS, BENCH_DEMANDS and BENCH_REPORTS.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smeportal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import District, Organisation, OrganisationKind, Role, User  # noqa: E402
from certification.models import CertificationApplication  # noqa: E402
from demands.models import Bid, Demand  # noqa: E402
from orders.models import Order  # noqa: E402
from services.actions import search_texts  # noqa: E402
from services.models import Service, ServiceCategory  # noqa: E402
from smeportal.search import tsvector_literal  # noqa: E402
from supervision.totals import report_totals_rebuild  # noqa: E402
from windows.models import MembershipStatus, Window, WindowMembership  # noqa: E402

WORDS = [
    "法律",
    "融资",
    "培训",
    "检测",
    "知识产权",
    "税务",
    "商标",
    "专利",
    "电商",
    "展会",
    "枸杞",
    "葡萄酒",
    "安全",
    "咨询",
    "审计",
    "认证",
    "人才",
    "招聘",
    "软件",
    "数据",
    "品牌",
    "策划",
    "合同",
    "担保",
    "贷款",
    "管理",
]
MARK = "bench-"


def sentence(rng, n):
    return "".join(rng.choice(WORDS) for _ in range(n)) + "服务"


ORDER_STATES = ["submitted", "in_service", "completed", "checked", "checked", "checked", "cancelled", "declined"]


def generate_orders(count: int, enterprises: int, rng) -> None:
    started = time.perf_counter()
    services = list(Service.objects.filter(status="listed").values_list("pk", "institution_id", "title")[:20000])
    windows = list(Window.objects.values_list("pk", flat=True))
    orgs = Organisation.objects.bulk_create(
        Organisation(
            kind=OrganisationKind.ENTERPRISE,
            name=f"{MARK}企业{i}",
            contact_name="基准",
            mobile="13900000000",
            is_certified=True,
            district="xingqing",
        )
        for i in range(enterprises)
    )
    heavy_enterprise, heavy_institution = orgs[0], services[0][1]
    for username, organisation_id, role in (
        ("bench_enterprise", heavy_enterprise.pk, Role.ENTERPRISE),
        ("bench_institution", heavy_institution, Role.INSTITUTION),
    ):
        user, _ = User.objects.get_or_create(username=username, defaults={"role": role})
        user.organisation_id = organisation_id
        user.email = f"{username}@bench.invalid"  # so each measured transition queues its e-mail
        user.set_password("bench")
        user.save()
    now = timezone.now()
    batch = 10000
    for start in range(0, count, batch):
        rows = []
        for n in range(start, min(count, start + batch)):
            service_id, institution_id, title = rng.choice(services)
            # One order in fifty belongs to the heavy enterprise, one in fifty to the heavy
            # institution; half of the latter are between the two, so that the transitions the
            # bench measures notify a real user (the other enterprises have no users).
            enterprise = heavy_enterprise if n % 50 == 0 or n % 100 == 1 else rng.choice(orgs)
            if n % 50 == 1:
                service_id, institution_id, title = services[0]
            rows.append(
                Order(
                    number=f"BN{n:012d}",
                    enterprise=enterprise,
                    institution_id=institution_id,
                    service_id=service_id,
                    window_id=rng.choice(windows),
                    status=rng.choice(ORDER_STATES),
                    service_title=title,
                    price_mode="negotiable",
                    quantity=rng.randint(1, 5),
                    created_at=now - timedelta(minutes=n),
                )
            )
        Order.objects.bulk_create(rows)
        if (start // batch) % 10 == 9 or start + batch >= count:
            print(f"{start + len(rows)} orders, {time.perf_counter() - started:.1f}s", flush=True)


def generate_demands(count: int, rng) -> None:
    """Open demands (投标中, deadline ahead) of bench enterprises, each with up to 3 bids."""
    started = time.perf_counter()
    enterprises = list(
        Organisation.objects.filter(kind=OrganisationKind.ENTERPRISE, name__startswith=MARK).values_list(
            "pk", flat=True
        )[:5000]
    )
    if not enterprises:
        enterprises = [
            o.pk
            for o in Organisation.objects.bulk_create(
                Organisation(kind=OrganisationKind.ENTERPRISE, name=f"{MARK}需求企业{i}", is_certified=True)
                for i in range(500)
            )
        ]
    institutions = list(
        Organisation.objects.filter(kind=OrganisationKind.INSTITUTION, name__startswith=MARK).values_list(
            "pk", flat=True
        )
    )
    categories = list(ServiceCategory.objects.filter(parent__isnull=False).values_list("pk", flat=True))
    windows = list(Window.objects.values_list("pk", flat=True))
    now = timezone.now()
    batch = 5000
    for start in range(0, count, batch):
        demands = Demand.objects.bulk_create(
            Demand(
                enterprise_id=rng.choice(enterprises),
                title=sentence(rng, 2)[:90],
                category_id=rng.choice(categories),
                window_id=rng.choice(windows),
                budget_mode="negotiable",
                description=sentence(rng, 8),
                bid_deadline=now + timedelta(days=rng.randint(3, 60)),
                expected_finish=(now + timedelta(days=90)).date(),
                contact_name="基准",
                contact_phone="0951-0000000",
                status="bidding",
                submitted_at=now,
            )
            for _ in range(min(batch, count - start))
        )
        Bid.objects.bulk_create(
            Bid(demand=d, institution_id=i, price=1000, proposal="基准方案", duration_days=10, status="submitted")
            for d in demands
            for i in rng.sample(institutions, rng.randint(0, min(3, len(institutions))))
        )
        print(f"{start + len(demands)} demands, {time.perf_counter() - started:.1f}s", flush=True)


def generate_reports(count: int, rng) -> None:
    """24 months of reports for count / 24 enterprises, with PostgreSQL's COPY."""
    started = time.perf_counter()
    months, enterprises = 24, max(1, count // 24)
    orgs = Organisation.objects.bulk_create(
        (
            Organisation(
                kind=OrganisationKind.ENTERPRISE,
                name=f"{MARK}填报企业{i}",
                is_certified=True,
                district=rng.choice([d.value for d in District]),
            )
            for i in range(enterprises)
        ),
        batch_size=10000,
    )
    print(f"{enterprises} reporting enterprises, {time.perf_counter() - started:.1f}s", flush=True)
    today = timezone.localdate().replace(day=1)
    periods = []
    for back in range(months, 0, -1):
        index = today.year * 12 + today.month - 1 - back
        periods.append(f"{index // 12:04d}-{index % 12 + 1:02d}-01")
    districts = [d.value for d in District]
    now = timezone.now().isoformat()
    columns = (
        "organisation_id, period, revenue, profit, tax, exports, employees, orders_trend, funding, labour,"
        " difficulties, other_notes, district, industry, scale, is_late, anomaly_flags, anomaly_note, imported,"
        " submitted_at, updated_at"
    )
    with (
        connection.cursor() as cursor,
        cursor.connection.cursor().copy(f"COPY supervision_monthlyreport ({columns}) FROM STDIN") as copy,
    ):
        for n, org in enumerate(orgs):
            base = rng.randint(50, 5000)
            district = rng.choice(districts)
            industry = rng.choice("ABCDEFGHIJ")
            for period in periods:
                revenue = base * rng.uniform(0.8, 1.2)
                copy.write_row(
                    (
                        org.pk,
                        period,
                        f"{revenue:.2f}",
                        f"{revenue * 0.1:.2f}",
                        f"{revenue * 0.05:.2f}",
                        "0.00",
                        rng.randint(5, 300),
                        rng.choice(["up", "flat", "down"]),
                        rng.choice(["easy", "normal", "tight"]),
                        rng.choice(["ample", "normal", "short"]),
                        "[]",
                        "",
                        district,
                        industry,
                        "small",
                        "f",
                        "[]",
                        "",
                        "t",
                        now,
                        now,
                    )
                )
            if n % 20000 == 19999:
                print(f"{(n + 1) * months} reports, {time.perf_counter() - started:.1f}s", flush=True)
    print(f"{enterprises * months} reports, {time.perf_counter() - started:.1f}s", flush=True)
    groups = report_totals_rebuild()  # COPY bypasses the actions that keep the totals
    print(f"{groups} report totals, {time.perf_counter() - started:.1f}s", flush=True)


def bench_admin() -> None:
    user, _ = User.objects.get_or_create(username="bench_admin", defaults={"role": Role.STAFF})
    user.is_staff = user.is_superuser = True
    user.set_password("bench")
    user.save()


def generate(services: int, institutions: int, seed: int, orders: int = 0) -> None:
    rng = random.Random(seed)
    windows = list(Window.objects.all())
    categories = list(ServiceCategory.objects.filter(parent__isnull=False).select_related("parent"))
    districts = [d.value for d in District]
    started = time.perf_counter()
    with transaction.atomic():
        orgs = Organisation.objects.bulk_create(
            Organisation(
                kind=OrganisationKind.INSTITUTION,
                name=f"{MARK}{sentence(rng, 2)}中心{i}",
                contact_name="基准",
                mobile="13900000000",
                is_certified=True,
                certified_at=timezone.now(),
                district=rng.choice(districts),
            )
            for i in range(institutions)
        )
        CertificationApplication.objects.bulk_create(
            CertificationApplication(
                organisation=org, kind=org.kind, status="approved", name=org.name, district=org.district
            )
            for org in orgs
        )
        WindowMembership.objects.bulk_create(
            WindowMembership(organisation=org, window=window, status=MembershipStatus.ACTIVE)
            for org in orgs
            for window in rng.sample(windows, 3)
        )
        memberships = {}
        for membership in WindowMembership.objects.filter(organisation__in=orgs):
            memberships.setdefault(membership.organisation_id, []).append(membership.window_id)
        print(f"{institutions} institutions in {time.perf_counter() - started:.1f}s", flush=True)

        batch = 5000
        for start in range(0, services, batch):
            rows = []
            for _ in range(min(batch, services - start)):
                org = rng.choice(orgs)
                fixed = rng.random() < 0.6
                rows.append(
                    Service(
                        institution=org,
                        status="listed",
                        title=sentence(rng, 2),
                        category=rng.choice(categories),
                        price_mode="fixed" if fixed else "negotiable",
                        price=rng.randint(1, 500) * 100 if fixed else None,
                        price_unit="time" if fixed else "",
                        summary=sentence(rng, 6),
                        content="基准数据",
                        contact_name="基准",
                        contact_phone="0951-0000000",
                        order_count=rng.randint(0, 300),
                        listed_at=timezone.now(),
                    )
                )
            created = Service.objects.bulk_create(rows)
            through = Service.windows.through
            through.objects.bulk_create(
                through(service_id=s.pk, window_id=w)
                for s in created
                for w in rng.sample(memberships[s.institution_id], 2)
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "UPDATE services_service SET search_vector = %s::tsvector WHERE id = %s",
                        [(tsvector_literal(*search_texts(s.title, s.summary, s.category)), s.pk) for s in created],
                    )
            print(f"{start + len(rows)} services, {time.perf_counter() - started:.1f}s", flush=True)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.executemany(
                    "UPDATE accounts_organisation SET search_vector = %s::tsvector WHERE id = %s",
                    [(tsvector_literal(o.name), o.pk) for o in orgs],
                )
    if orders:
        with transaction.atomic():
            generate_orders(orders, max(1, orders // 200), rng)
    bench_admin()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"done in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    size = lambda name, default: int(os.environ.get(f"BENCH_{name}", default))  # noqa: E731
    parser.add_argument("--services", type=int, default=size("SERVICES", 100_000))
    parser.add_argument("--institutions", type=int, default=size("INSTITUTIONS", 2_000))
    parser.add_argument("--orders", type=int, default=size("ORDERS", 1_000_000))
    parser.add_argument("--demands", type=int, default=size("DEMANDS", 40_000))
    parser.add_argument("--reports", type=int, default=size("REPORTS", 2_400_000))
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    generate(args.services, args.institutions, args.seed, args.orders)
    rng = random.Random(args.seed + 1)
    if args.demands:
        with transaction.atomic():
            generate_demands(args.demands, rng)
    if args.reports and connection.vendor == "postgresql":
        with transaction.atomic():
            generate_reports(args.reports, rng)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
