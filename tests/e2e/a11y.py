"""Helpers of the accessibility browser tests: log a browser in without the login form,
run axe-core (shipped by axe-playwright-python) and collect what it finds per page."""

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client

SEVERE = {"serious", "critical"}
# Table rows past the tenth repeat the same template with other data; checking them
# made one admin changelist of 100 rows take 10 s of axe time instead of 2.
CONTEXT = {"exclude": ["tbody tr:nth-child(n+11)"]}
_axe = Axe()


def log_in_browser(context, base_url, user):
    """The session of a Django test client, handed to the browser: the login form has
    its own journey test; the sweeps only need to be someone."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def severe_violations(page) -> list[str]:
    """axe's serious and critical violations on the page as it is: "rule (n nodes: selector, ...)"."""
    results = _axe.run(page, context=CONTEXT)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in SEVERE:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"]][:3]
            found.append(f"{violation['id']} ({len(violation['nodes'])} nodes: {', '.join(targets)})")
    return found


def sweep(page, base_url, paths) -> dict[str, list[str]]:
    """Visit each path in one page, run axe on it, and return the pages with severe
    violations (and any page that did not answer 200)."""
    failures = {}
    for path in paths:
        response = page.goto(base_url + path)
        if response is None or response.status != 200:
            failures[path] = [f"HTTP {response.status if response else 'no response'}"]
            continue
        found = severe_violations(page)
        if found:
            failures[path] = found
    return failures


def report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{path}: {'; '.join(rules)}" for path, rules in failures.items())
