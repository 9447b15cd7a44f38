"""The course reports inside Wagtail's own Reports menu, beside its page reports,
so the admin has one Reports entry."""

from __future__ import annotations

from django.urls import reverse
from wagtail.admin.menu import MenuItem

from courses.admin_base import capability_menu_item
from courses.permissions import VIEW_PROGRESS
from courses.reports.listing import REPORTS

ICONS = {
    "progress": "table",
    "matrix": "list-ul",
    "summary": "group",
    "competences": "pick",
    "activities": "desktop",
}


def report_menu_item(name: str) -> MenuItem:
    """The menu item of report ``name``, shown to those who may follow the
    progress of some course and placed before Wagtail's own reports (ordered from
    700)."""
    names = [report for report, _label in REPORTS]
    return capability_menu_item(VIEW_PROGRESS)(
        dict(REPORTS)[name],
        reverse(f"reports:{name}"),
        # Not Wagtail's "reports": the sidebar marks every item of a name active.
        name=f"course-{name}",
        icon_name=ICONS[name],
        order=100 + 10 * names.index(name),
    )
