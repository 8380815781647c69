from .idempotency import purge


def run(now):
    purged = purge(now)
    return [f"{purged} form submission tokens purged"] if purged else []
