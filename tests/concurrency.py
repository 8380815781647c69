"""Helpers for the PostgreSQL race tests: calls released at the same instant in threads."""

import threading

from django.db import connection

from smeportal.errors import ActionRefused


def race(*calls, timeout: float = 60):
    """Run the calls in threads released together; each result is "ok" or the exception raised."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=20)
            call()
            results[index] = "ok"
        except Exception as exc:  # noqa: BLE001  (reported by the test)
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a racing call did not finish"
    return results


def one_won(results):
    """Exactly one call went through; every other one was refused. Returns the winner's index."""
    winners = [i for i, result in enumerate(results) if result == "ok"]
    losers = [result for result in results if result != "ok"]
    assert len(winners) == 1, results
    assert all(isinstance(result, ActionRefused) for result in losers), results
    return winners[0]
