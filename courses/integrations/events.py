"""The one entry point for telling other systems what happened: :func:`emit`.

Called where each event happens (enrolling, recording progress, grading, attendance,
issuing certificates), inside that event's transaction. It writes one row (an
:class:`IntegrationEvent`), which commits or rolls back with the event itself (an
outbox): an event is never told without having happened, nor lost between the
commit and a queue. A site with no endpoint subscribed and no LRS writes nothing.
After the commit the delivery task is queued; the worker makes each endpoint's
delivery and the xAPI statement from the row and sends them. No HTTP call is made
in the learner's request.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from courses.catalogue.content_cache import cached
from courses.integrations.models import Event, IntegrationEvent, WebhookEndpoint
from courses.integrations.tasks import deliver_integrations
from courses.integrations.xapi import XAPI_EVENTS, xapi_enabled

__all__ = ["Event", "emit", "enrolment_data"]


def emit(event: str, payload: dict[str, Any], *, key: str) -> None:
    """Record that ``event`` happened, for every endpoint subscribed to it and the
    LRS.

    ``key`` names this occurrence once and for all (e.g. ``lesson.completed:42``,
    the progress row): emitting the same key again writes nothing, so saving a
    record again never repeats an event. ``payload`` is JSON data (ids, keys,
    dates) that the receiver is sent as ``data``.
    """
    if event not in Event.values:
        raise ValueError(f"Unknown integration event {event!r}.")
    subscribed = any(event in events for _pk, events in active_endpoints())
    if not subscribed and not (event in XAPI_EVENTS and xapi_enabled()):
        return
    # Dates, UUIDs and decimals as text, the way the receiver reads them.
    data = json.loads(DjangoJSONEncoder().encode(payload))
    IntegrationEvent.objects.bulk_create(
        [
            IntegrationEvent(
                key=key,
                event=event,
                payload={"occurred_at": timezone.now().isoformat(), "data": data},
            )
        ],
        ignore_conflicts=True,
    )
    transaction.on_commit(_queue_delivery)


def active_endpoints() -> list[tuple[int, list[str]]]:
    """(id, events) of each active endpoint. Within a request, from the cache
    under the content version, which saving or deleting an endpoint replaces
    (signal_handlers.py): a learner's request asks the database nothing more."""
    return cached(
        ("integrations", "active-endpoints"),
        lambda: list(
            WebhookEndpoint.objects.filter(active=True).values_list("pk", "events")
        ),
    )


#: Events within this time share one run of the delivery task.
SHARED_RUN = timedelta(seconds=1)
#: When the run this process queued last starts (monotonic clock).
_queued_run_starts = 0.0


def _queue_delivery() -> None:
    """Queue a run of the delivery task, starting a second from now, unless this
    process queued one that has not started yet: it will find these rows too
    (they are committed). A busy site queues one task a second per process, not
    one per event."""
    global _queued_run_starts
    if not deliver_integrations.get_backend().supports_defer:
        deliver_integrations.enqueue()
        return
    now = time.monotonic()
    # A margin for the clocks: the task's start is reckoned in wall-clock time.
    if now < _queued_run_starts - 0.1:
        return
    _queued_run_starts = now + SHARED_RUN.total_seconds()
    deliver_integrations.using(run_after=timezone.now() + SHARED_RUN).enqueue()


def enrolment_data(enrolment: Any) -> dict[str, Any]:
    """What every learner event says of the enrolment: ids a receiver can look up
    through the API, read from the row at hand (no query)."""
    return {
        "enrolment": enrolment.pk,
        "user": enrolment.user_id,
        "course": enrolment.course_id,
        "course_key": enrolment.course_key,
        "cohort": enrolment.cohort_id,
    }
