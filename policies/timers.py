from .actions import run_timers


def run(now):
    return run_timers(now)
