"""The task queue's panel on the Wagtail admin home page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wagtail.admin.ui.components import Component

from courses.task_queue.health import STALLED_AFTER, queue_health


class TaskQueuePanel(Component):
    """Tasks waiting, the oldest one's age and recent failures, with a plain
    warning when no worker seems to be running."""

    name = "task_queue"
    template_name = "courses/admin/task_queue_panel.html"
    order = 50

    def get_context_data(self, parent_context: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "health": self.health,
            "stalled_minutes": int(STALLED_AFTER.total_seconds() // 60),
        }

    def render_html(self, parent_context: Mapping[str, Any] | None = None) -> str:
        user = parent_context["request"].user
        # Administrators run the workers; errors may quote learners' data.
        if not (user.is_superuser or user.is_staff):
            return ""
        self.health = queue_health()
        if self.health is None:
            return ""
        return super().render_html(parent_context)
