from .actions import rankings_make_for_last_month, scorecards_recompute_changed


def run(now):
    done = [f"scorecard recomputed: institution {pk}" for pk in scorecards_recompute_changed(now=now)]
    done += [f"ranking made: {ranking}" for ranking in rankings_make_for_last_month(now=now)]
    return done
