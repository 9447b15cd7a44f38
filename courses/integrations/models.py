"""Webhook endpoints, their deliveries and pending xAPI statements.

A delivery or statement row is the record of an event told to another system: it
is written with the event and stays until delivered or given up on, so a receiver
or LRS that is down loses nothing."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_secret() -> str:
    """A signing secret: 32 random bytes, as the receiver copies it (hex)."""
    return secrets.token_hex(32)


class Event(models.TextChoices):
    """What an endpoint may subscribe to; also the ``X-LMS-Event`` header."""

    ENROLMENT_CREATED = "enrolment.created", _("Enrolment created")
    ENROLMENT_WITHDRAWN = "enrolment.withdrawn", _("Enrolment withdrawn")
    LESSON_COMPLETED = "lesson.completed", _("Lesson completed")
    QUIZ_GRADED = "quiz.graded", _("Quiz graded")
    ACTIVITY_RESULT = "activity.result", _("E-learning activity result")
    SESSION_ATTENDED = "session.attended", _("Live session attended")
    COURSE_COMPLETED = "course.completed", _("Course completed")
    CERTIFICATE_ISSUED = "certificate.issued", _("Certificate issued")
    CERTIFICATE_REISSUED = "certificate.reissued", _("Certificate re-issued")
    CERTIFICATE_REVOKED = "certificate.revoked", _("Certificate revoked")


class IntegrationEvent(models.Model):
    """One thing that happened, written in the transaction that made it happen
    (an outbox): the learner's request writes this row only. The worker turns it
    into a delivery for each endpoint subscribed and an xAPI statement."""

    #: The occurrence, named once: e.g. ``lesson.completed:42`` (the progress row).
    key = models.CharField(_("event key"), max_length=200, unique=True)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    #: ``{"occurred_at": ISO time, "data": {…}}``
    payload = models.JSONField(_("payload"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    #: Whether the worker made its deliveries and statement.
    fanned_out = models.BooleanField(default=False, db_index=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("integration event")
        verbose_name_plural = _("integration events")

    def __str__(self) -> str:
        return self.key


class WebhookEndpoint(models.Model):
    """A receiver staff registered: where to POST which events, signed with what.

    The secret is kept as it is (not hashed): signing a delivery needs it, and
    administrators may need to show it again to whoever runs the receiver."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"),
        max_length=500,
        help_text=_(
            "An HTTPS address outside this site, e.g. https://hr.example.lv/lms"
        ),
    )
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret)
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("An inactive endpoint is sent nothing new."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class OutboxRow(models.Model):
    """What deliveries and statements share: when to try next, and how it went."""

    Status = OutboxStatus

    #: The event it tells, once: e.g. ``lesson.completed:42`` (the progress row).
    event_key = models.CharField(_("event key"), max_length=200)
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=OutboxStatus.choices,
        default=OutboxStatus.PENDING,
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    #: When a worker may take it next; while a worker sends it, a lease in the
    #: future, so that a worker that dies leaves it to another.
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    #: The batch of the worker that took it, to tell its rows from another's.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_status_code = models.PositiveIntegerField(
        _("last response code"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    wagtail_reference_index_ignore = True

    class Meta:
        abstract = True


class WebhookDelivery(OutboxRow):
    """One event to one endpoint; its public id is the ``X-LMS-Delivery`` header."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    uuid = models.UUIDField(_("delivery id"), unique=True, editable=False)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "event_key"], name="one_delivery_per_event"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.uuid})"


class XapiStatement(OutboxRow):
    """One statement for the Learning Record Store; its id is stable (a UUID of
    the event key), so sending it again never records it twice."""

    statement_id = models.UUIDField(_("statement id"), unique=True, editable=False)
    #: The statement as first sent, so that a retry sends the very same one.
    statement = models.JSONField(_("statement"), null=True, blank=True)

    class Meta:
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return str(self.statement_id)
