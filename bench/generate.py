"""Bench data: many certified institutions and listed services, fast.

    DATABASE_URL=postgres://... python bench/generate.py --services 100000

Rows are bulk-inserted (the review workflow is not what is measured); search
vectors are computed with smeportal.search exactly as service_approve does.
Orders (--orders, default 1,000,000) are spread over certified enterprises, with
one heavy enterprise and one heavy institution (`bench_enterprise`, `bench_institution`,
password "bench") whose lists the benchmark opens.
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
from orders.models import Order  # noqa: E402
from services.actions import search_texts  # noqa: E402
from services.models import Service, ServiceCategory  # noqa: E402
from smeportal.search import tsvector_literal  # noqa: E402
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
        user.set_password("bench")
        user.save()
    now = timezone.now()
    batch = 10000
    for start in range(0, count, batch):
        rows = []
        for n in range(start, min(count, start + batch)):
            service_id, institution_id, title = rng.choice(services)
            # One order in fifty belongs to the heavy enterprise, one in fifty to the heavy institution.
            enterprise = heavy_enterprise if n % 50 == 0 else rng.choice(orgs)
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
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"done in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--institutions", type=int, default=2_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    generate(args.services, args.institutions, args.seed, args.orders)
