"""Links other apps add to the learner's navigation and dashboard, so that
``courses`` names none of them (certificates adds "My certificates")."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str


_items: list[NavItem] = []


def register_nav_item(label: str | Promise, url_name: str) -> None:
    """Show a link to ``url_name`` to signed-in learners (call from ``ready()``)."""
    item = NavItem(label, url_name)
    if item not in _items:
        _items.append(item)


def nav_items() -> list[NavItem]:
    return list(_items)
