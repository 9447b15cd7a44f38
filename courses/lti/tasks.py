"""The score passback task: queued after a learner's progress commits."""

from __future__ import annotations

from django_tasks import task

from courses.integrations.models import OutboxStatus
from courses.lti.models import LtiScorePassback
from courses.lti.passback import send_due


@task()
def send_scores() -> int:
    """Send the due scores; when retries remain, come back when the next is due.

    Backends that cannot defer (the inline one) leave retries to the next run."""
    tried = send_due()
    if tried and send_scores.get_backend().supports_defer:
        when = (
            LtiScorePassback.objects.filter(status=OutboxStatus.PENDING)
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        if when is not None:
            send_scores.using(run_after=when).enqueue()
    return tried
