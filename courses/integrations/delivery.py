"""The worker's side: take due deliveries and statements in batches, send them,
and record how it went; retry with backoff for 24 hours, then mark them failed.

Workers share the load by claiming rows: a batch of due rows gets this worker's
claim token and a lease (``next_attempt_at`` an hour ahead), in one conditional
update, so two workers never send the same row at once (PostgreSQL skips rows
another worker has locked; SQLite runs one writer at a time). A worker that dies
mid-batch leaves its rows to be taken again when the lease runs out: a receiver
may then get a delivery twice, which ``X-LMS-Delivery`` lets it notice.
"""

from __future__ import annotations

import logging
import random
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import httpx
from django.db import connection, transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.integrations.models import (
    IntegrationEvent,
    OutboxRow,
    OutboxStatus,
    WebhookDelivery,
    WebhookEndpoint,
    XapiStatement,
)
from courses.integrations.webhooks import send
from courses.integrations.xapi import (
    XAPI_EVENTS,
    build_statement,
    new_statement,
    send_statements,
    xapi_enabled,
)

logger = logging.getLogger(__name__)

#: How long a delivery is retried after its first attempt.
RETRY_FOR = timedelta(hours=24)
#: The first retry's delay; each further one doubles it, up to MAX_DELAY.
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=2)
LEASE = timedelta(hours=1)
FAN_OUT_BATCH = 500
WEBHOOK_BATCH = 100
XAPI_BATCH = 50
#: Deliveries of a batch sent at once, so one slow receiver holds up few others.
SENDERS = 8
TIMEOUT = httpx.Timeout(10.0, connect=5.0)


def http_client() -> httpx.Client:
    """One client per run of the worker: connections are kept alive between
    deliveries to the same receiver. Redirects are not followed (a redirect could
    lead to an address the checks refused)."""
    return httpx.Client(
        timeout=TIMEOUT,
        follow_redirects=False,
        headers={"User-Agent": "wagtail-stem-lms webhooks"},
        limits=httpx.Limits(max_connections=SENDERS, max_keepalive_connections=SENDERS),
    )


def retry_at(row: OutboxRow, now: datetime) -> datetime | None:
    """When to try ``row`` again after a failed attempt, or None: give up.

    Exponential backoff with jitter (between half and all of the delay, so that
    rows that failed together do not return together), never later than 24 hours
    after the first attempt, which gets a last try."""
    deadline = (row.first_attempt_at or now) + RETRY_FOR
    if now >= deadline:
        return None
    delay = min(FIRST_DELAY * 2 ** max(row.attempts - 1, 0), MAX_DELAY)
    return min(now + delay * random.uniform(0.5, 1.0), deadline)


def fan_out() -> int:
    """Turn events not handled yet into a delivery for each active endpoint
    subscribed and, with an LRS configured, a statement; returns how many events.

    Safe to run twice on the same events (two workers on a database without row
    locks): a delivery is unique per endpoint and event, a statement by its id."""
    with transaction.atomic():
        pending = IntegrationEvent.objects.filter(fanned_out=False)
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True)
        events = list(pending.order_by("pk")[:FAN_OUT_BATCH])
        if not events:
            return 0
        now = timezone.now()
        endpoints = list(
            WebhookEndpoint.objects.filter(active=True).values_list("pk", "events")
        )
        WebhookDelivery.objects.bulk_create(
            [
                WebhookDelivery(
                    endpoint_id=pk,
                    uuid=uuid.uuid4(),
                    event=event.event,
                    event_key=event.key,
                    payload=event.payload,
                    next_attempt_at=now,
                )
                for event in events
                for pk, subscribed in endpoints
                if event.event in subscribed
            ],
            ignore_conflicts=True,
        )
        if xapi_enabled():
            XapiStatement.objects.bulk_create(
                [
                    new_statement(event, now)
                    for event in events
                    if event.event in XAPI_EVENTS
                ],
                ignore_conflicts=True,
            )
        IntegrationEvent.objects.filter(pk__in=[e.pk for e in events]).update(
            fanned_out=True
        )
    return len(events)


def claim_due(rows: QuerySet, limit: int) -> list:
    """Up to ``limit`` due rows, claimed for this worker."""
    now = timezone.now()
    token = uuid.uuid4()
    due = rows.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        # The conditions again: on a database without row locks another worker may
        # have taken some of these ids between the read and this write.
        rows.filter(
            pk__in=ids, status=OutboxStatus.PENDING, next_attempt_at__lte=now
        ).update(claim=token, next_attempt_at=now + LEASE)
    return list(rows.filter(claim=token))


def record_outcome(
    row: OutboxRow, delivered: bool, status_code: int | None, error: str, now: datetime
) -> None:
    row.attempts += 1
    row.first_attempt_at = row.first_attempt_at or now
    row.last_attempt_at = now
    row.last_status_code = status_code
    row.last_error = error[:500]
    row.claim = None
    if delivered:
        row.status = OutboxStatus.DELIVERED
        row.delivered_at = now
        row.last_error = ""
        return
    next_at = retry_at(row, now)
    if next_at is None:
        row.status = OutboxStatus.FAILED
        row.next_attempt_at = now
    else:
        row.next_attempt_at = next_at


def save_outcomes(model: type[OutboxRow], rows: list[OutboxRow], now: datetime) -> None:
    """Write what ``_record`` decided: one UPDATE per distinct outcome (all the
    delivered rows of a batch share one), not one per row. The rows are this
    worker's claim, so nobody else changes their attempts meanwhile."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for row in rows:
        outcome = (
            row.status,
            row.last_status_code,
            row.last_error,
            row.next_attempt_at,
            row.delivered_at,
        )
        groups[outcome].append(row.pk)
    for (status, code, error, next_at, delivered_at), ids in groups.items():
        model.objects.filter(pk__in=ids).update(
            status=status,
            last_status_code=code,
            last_error=error,
            next_attempt_at=next_at,
            delivered_at=delivered_at,
            attempts=F("attempts") + 1,
            first_attempt_at=Coalesce(F("first_attempt_at"), Value(now)),
            last_attempt_at=now,
            claim=None,
        )


def _webhook_batch(client: httpx.Client, pool: ThreadPoolExecutor) -> int:
    deliveries = claim_due(
        WebhookDelivery.objects.select_related("endpoint"), WEBHOOK_BATCH
    )
    if not deliveries:
        return 0
    outcomes = list(pool.map(lambda delivery: send(client, delivery), deliveries))
    now = timezone.now()
    for delivery, outcome in zip(deliveries, outcomes, strict=True):
        record_outcome(
            delivery, outcome.delivered, outcome.status_code, outcome.error, now
        )
        if not outcome.delivered:
            logger.info(
                "Webhook delivery %s to endpoint %s failed (attempt %s): %s %s",
                delivery.uuid,
                delivery.endpoint_id,
                delivery.attempts,
                outcome.status_code or "",
                outcome.error,
            )
    save_outcomes(WebhookDelivery, deliveries, now)
    return len(deliveries)


def _xapi_batch(client: httpx.Client) -> int:
    statements = claim_due(XapiStatement.objects.all(), XAPI_BATCH)
    if not statements:
        return 0
    built = [row for row in statements if row.statement is None]
    for row in built:
        row.statement = build_statement(row)
    # Kept before sending: a retry must send the very same statement.
    XapiStatement.objects.bulk_update(built, ["statement"])
    answers = send_statements(client, [row.statement for row in statements])
    now = timezone.now()
    for row, answer in zip(statements, answers, strict=True):
        record_outcome(row, answer.delivered, answer.status_code, answer.error, now)
    save_outcomes(XapiStatement, statements, now)
    return len(statements)


def deliver_due(
    max_rows: int | None = None,
    client_factory: Callable[[], httpx.Client] | None = None,
) -> int:
    """Send every due delivery and statement, batch after batch, until none is
    due (or ``max_rows`` were tried); returns how many were tried."""
    tried = 0
    with (
        (client_factory or http_client)() as client,
        ThreadPoolExecutor(SENDERS) as pool,
    ):
        while max_rows is None or tried < max_rows:
            fanned = fan_out()
            sent = _webhook_batch(client, pool)
            if xapi_enabled():
                sent += _xapi_batch(client)
            if not sent and not fanned:
                break
            tried += sent
    return tried


def next_due() -> datetime | None:
    """When the earliest pending delivery or statement is due."""
    times = [
        model.objects.filter(status=OutboxStatus.PENDING)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
        for model in (WebhookDelivery, XapiStatement)
    ]
    return min((time for time in times if time is not None), default=None)


def send_again(rows: QuerySet) -> int:
    """Queue deliveries (or statements) again, e.g. failed ones after a receiver
    was mended: they get a new 24 hours of retries. Returns how many."""
    now = timezone.now()
    count = rows.exclude(claim__isnull=False, next_attempt_at__gt=now).update(
        status=OutboxStatus.PENDING,
        next_attempt_at=now,
        first_attempt_at=None,
        attempts=0,
        claim=None,
    )
    return count
