"""The left menu of the 用户中心 (the manual's "网站后台").

Each app registers its entries from its AppConfig.ready(), so this lower app
needs to know nothing of the apps above it. Sections keep the manual's order;
a section without entries for the user's role is not shown.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role

SECTIONS = {
    "certification": _("Certification centre"),
    "demands": _("Service demands"),
    "services": _("Service management"),
    "orders": _("Order management"),
    "complaints": _("Complaints"),
    "reviews": _("Review management"),
    "supervision": _("Enterprise information"),
    "policies": _("Policies and regulations"),
    "messages": _("Message centre"),
    "account": _("Account settings"),
}


@dataclass(frozen=True)
class MenuItem:
    section: str
    label: str
    url_name: str
    roles: frozenset[str]
    order: int = 0
    url_args: tuple = ()


_registry: list[MenuItem] = []


def register(
    *, section: str, label, url_name: str, roles=(Role.ENTERPRISE, Role.INSTITUTION), order: int = 0, url_args=()
):
    if section not in SECTIONS:
        raise ValueError(f"Unknown user-centre section {section!r}")
    item = MenuItem(section, label, url_name, frozenset(roles), order, tuple(url_args))
    if item not in _registry:
        _registry.append(item)


def menu_for(user, current_path: str = "") -> list[dict]:
    """The sections and entries a user sees, with the current entry marked
    (the entry whose address is the longest prefix of the current path)."""
    sections = []
    for key, title in SECTIONS.items():
        items = []
        for item in sorted((i for i in _registry if i.section == key), key=lambda i: i.order):
            if user.role not in item.roles:
                continue
            items.append({"label": item.label, "url": reverse(item.url_name, args=item.url_args), "active": False})
        if items:
            sections.append({"key": key, "title": title, "items": items})
    matching = [i for s in sections for i in s["items"] if current_path.startswith(i["url"])]
    if matching:
        max(matching, key=lambda i: len(i["url"]))["active"] = True
    return sections
