"""The delivery task: queued after each event's commit, run by the task worker."""

from __future__ import annotations

from django_tasks import task

from courses.integrations.delivery import deliver_due, next_due


@task()
def deliver_integrations() -> int:
    """Send what is due; when retries remain, come back when the next is due.

    Backends that cannot defer a task (the inline one) leave retries to the next
    event's run or to ``manage.py deliver_integrations``."""
    tried = deliver_due()
    if tried and deliver_integrations.get_backend().supports_defer:
        when = next_due()
        if when is not None:
            deliver_integrations.using(run_after=when).enqueue()
    return tried
