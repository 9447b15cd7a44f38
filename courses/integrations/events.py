"""The one entry point for telling other systems what happened: :func:`emit`.

Called where each event happens (enrolling, recording progress, grading, attendance,
issuing certificates), inside that event's transaction. It writes rows only: one
bulk insert of webhook deliveries and, with an LRS configured, one xAPI statement.
They commit or roll back with the event itself (an outbox), so an event is never
told without having happened, nor lost between the commit and a queue. After the
commit the delivery task is queued; no HTTP call is made in the learner's request.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from courses.integrations.models import Event, WebhookDelivery, WebhookEndpoint
from courses.integrations.tasks import deliver_integrations
from courses.integrations.xapi import XAPI_EVENTS, queue_statement, xapi_enabled

__all__ = ["Event", "emit"]


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
    now = timezone.now()
    # Dates, UUIDs and decimals as text, the way the receiver reads them.
    data = json.loads(DjangoJSONEncoder().encode(payload))
    written = False
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(active=True).only("events")
        if event in endpoint.events
    ]
    if endpoints:
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    endpoint=endpoint,
                    uuid=uuid.uuid4(),
                    event=event,
                    event_key=key,
                    payload={"occurred_at": now.isoformat(), "data": data},
                    next_attempt_at=now,
                )
                for endpoint in endpoints
            ],
            ignore_conflicts=True,
        )
        written = True
    if event in XAPI_EVENTS and xapi_enabled():
        queue_statement(event, key, data, now)
        written = True
    if written:
        transaction.on_commit(deliver_integrations.enqueue)


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
