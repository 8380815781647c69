"""Demo scorecards: computed from the demo's orders, complaints, reviews and bids, as the
timers would, and last month's rankings, the hub's published by `admin`, so the
institution pages, 找机构's 综合评分 and the ranking page show real figures."""

from django.utils import timezone

from accounts.models import User
from windows.models import WindowKind

from .actions import ranking_publish, rankings_make_for_last_month, scorecards_recompute_changed
from .models import MonthlyRanking


def load(stdout):
    now = timezone.now()
    scorecards_recompute_changed(now=now)
    rankings_make_for_last_month(now=now)
    hub_ranking = MonthlyRanking.objects.filter(window__kind=WindowKind.HUB, is_published=False).first()
    if hub_ranking is not None and not MonthlyRanking.objects.published().exists():
        ranking_publish(ranking=hub_ranking, actor=User.objects.get(username="admin"))
    return []
