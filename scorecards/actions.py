"""Writes of the scorecards app: recomputing scorecards, making and publishing rankings."""

from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, OrganisationKind
from complaints.models import ComplaintLog
from demands.models import Bid
from orders.models import Order, OrderLog
from reviews.models import ReviewLog
from services.models import InstitutionScorecard
from services.selectors import public_services
from smeportal.errors import ActionRefused
from smeportal.fsm import lock
from windows.models import MembershipStatus, Window, WindowMembership
from windows.permissions import administered_window_ids

from .figures import composite_score, institution_figures
from .models import MonthlyRanking, RankingEntry, ScorecardRun

# A log row written by a transaction that was still open when the last run read the
# logs carries a time before that run's start: looking this far back catches it.
OVERLAP = timedelta(minutes=10)
# The 12-month window slides even when nothing happens: a scorecard is renewed at
# least this often.
MAX_AGE = timedelta(days=1)


def scorecard_recompute(*, institution: Organisation, now) -> InstitutionScorecard:
    """Compute the institution's figures from its logs and store them."""
    figures = institution_figures(institution, now)
    scorecard, _created = InstitutionScorecard.objects.update_or_create(
        institution=institution,
        defaults={
            "figures": figures,
            "composite_score": composite_score(figures["recent"]),
            "recent_order_count": figures["recent"]["orders"],
            "computed_at": now,
        },
    )
    return scorecard


def institutions_changed_since(since) -> set[int]:
    """Institutions with an order, complaint, review or bid row written since `since`
    (all that ever had one when `since` is None), and those whose scorecard is stale."""
    if since is None:
        ids = set(Order.objects.order_by().values_list("institution_id", flat=True).distinct())
        return ids | set(Bid.objects.order_by().values_list("institution_id", flat=True).distinct())
    sources = [
        OrderLog.objects.filter(created_at__gte=since).values_list("order__institution_id", flat=True),
        ComplaintLog.objects.filter(created_at__gte=since).values_list("complaint__order__institution_id", flat=True),
        ReviewLog.objects.filter(created_at__gte=since).values_list("review__subject_id", flat=True),
        Bid.objects.filter(updated_at__gte=since).values_list("institution_id", flat=True),
    ]
    ids = set()
    for source in sources:
        ids.update(source.order_by().distinct())
    return ids


def scorecards_recompute_changed(*, now) -> list[int]:
    """The timers' incremental recompute: only institutions whose logs moved since the
    last run (and scorecards older than MAX_AGE), so a run costs what changed."""
    last = ScorecardRun.objects.filter(finished_at__isnull=False).first()
    since = last.started_at - OVERLAP if last else None
    ids = institutions_changed_since(since)
    ids |= set(
        InstitutionScorecard.objects.filter(computed_at__lt=now - MAX_AGE).values_list("institution_id", flat=True)
    )
    run = ScorecardRun.objects.create(started_at=now)
    institutions = Organisation.objects.filter(pk__in=ids, kind=OrganisationKind.INSTITUTION).order_by("pk")
    for institution in institutions:
        # One transaction per institution: a failure keeps the others' results.
        with transaction.atomic():
            scorecard_recompute(institution=institution, now=now)
    run.finished_at = timezone.now()
    run.institution_count = len(institutions)
    run.save(update_fields=["finished_at", "institution_count"])
    return [institution.pk for institution in institutions]


def month_start(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    return month_start(month_start(day) - timedelta(days=1))


def _ranked_by_category(window: Window) -> dict[int, list[InstitutionScorecard]]:
    """Top-level category id → the window's ranked institutions offering it, best first."""
    member = WindowMembership.objects.filter(
        organisation=OuterRef("institution"), window=window, status=MembershipStatus.ACTIVE
    )
    offered = (
        public_services()
        .filter(windows=window)
        .filter(Exists(member))
        .order_by()
        .values_list("institution_id", "category_id", "category__parent_id")
        .distinct()
    )
    categories_of = defaultdict(set)
    for institution_id, category_id, parent_id in offered:
        categories_of[institution_id].add(parent_id or category_id)
    scorecards = (
        InstitutionScorecard.objects.filter(institution_id__in=categories_of, composite_score__isnull=False)
        .select_related("institution")
        .order_by("-composite_score", "-recent_order_count", "institution_id")
    )
    ranked = defaultdict(list)
    for scorecard in scorecards:
        for category_id in categories_of[scorecard.institution_id]:
            if len(ranked[category_id]) < settings.SCORECARD_RANKING_SIZE:
                ranked[category_id].append(scorecard)
    return ranked


@transaction.atomic
def ranking_make(*, window: Window, month: date) -> MonthlyRanking | None:
    """The window's ranking of `month` from today's scorecards, unpublished; an existing
    one is left as it is (what was published stays what was published)."""
    month = month_start(month)
    if MonthlyRanking.objects.filter(window=window, month=month).exists():
        return None
    ranking = MonthlyRanking.objects.create(window=window, month=month)
    RankingEntry.objects.bulk_create(
        RankingEntry(
            ranking=ranking,
            category_id=category_id,
            position=position,
            institution_id=scorecard.institution_id,
            composite_score=scorecard.composite_score,
            order_count=scorecard.recent_order_count,
        )
        for category_id, scorecards in _ranked_by_category(window).items()
        for position, scorecard in enumerate(scorecards, start=1)
    )
    return ranking


def rankings_make_for_last_month(*, now) -> list[MonthlyRanking]:
    """At the start of a month, last month's ranking of every open window (once)."""
    month = previous_month(timezone.localdate(now))
    made = [ranking_make(window=window, month=month) for window in Window.objects.active()]
    return [ranking for ranking in made if ranking is not None]


def _require_window_admin(actor, ranking):
    window_ids = administered_window_ids(actor)
    if not actor.is_staff or (window_ids is not None and ranking.window_id not in window_ids):
        raise ActionRefused(_("Only an administrator of the window can publish its ranking."))


@transaction.atomic
def ranking_publish(*, ranking: MonthlyRanking, actor) -> MonthlyRanking:
    """发布: the public sees the ranking from now on."""
    ranking = lock(MonthlyRanking, ranking.pk)
    _require_window_admin(actor, ranking)
    if ranking.is_published:
        raise ActionRefused(_("This ranking is already published."))
    ranking.is_published = True
    ranking.published_at = timezone.now()
    ranking.published_by = actor
    ranking.save(update_fields=["is_published", "published_at", "published_by"])
    return ranking


@transaction.atomic
def ranking_withdraw(*, ranking: MonthlyRanking, actor) -> MonthlyRanking:
    """撤回发布: the ranking is hidden from the public again (kept for the administrators)."""
    ranking = lock(MonthlyRanking, ranking.pk)
    _require_window_admin(actor, ranking)
    if not ranking.is_published:
        raise ActionRefused(_("This ranking is not published."))
    ranking.is_published = False
    ranking.save(update_fields=["is_published"])
    return ranking
