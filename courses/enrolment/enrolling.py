"""Enrolling learners: self-enrolment, staff enrolment, withdrawal.

Progress belongs to :mod:`courses.progress.recording`; this module only decides who is in a
course. Messages of :class:`EnrolmentError` are shown to the learner as they are.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from courses.integrations.events import Event, emit, enrolment_data
from courses.models import Cohort, CoursePage, Enrolment, EnrolmentEvent
from courses.people.accounts import email_confirmed
from courses.progress.recording import refresh_summary


class EnrolmentError(Exception):
    """Enrolment refused; the message says why, for the learner."""


class WrongEnrolmentKey(EnrolmentError):
    """A wrong key: a guess, which :mod:`courses.throttling` counts."""


def self_enrol(user: AbstractBaseUser, course: CoursePage, key: str = "") -> Enrolment:
    """Enrol ``user`` themselves, checking the key, capacity and enrolment window.

    With a key, the learner joins the cohort whose key it is; without one, the open
    cohort that has no key (see :func:`cohort_for_key`).
    """
    if not course.live:
        raise EnrolmentError(_("This course is not open."))
    if not course.self_enrolment:
        raise EnrolmentError(
            _(
                "This course does not accept self-enrolment. Ask the course team to enrol you."
            )
        )
    existing = Enrolment.objects.filter(
        user=user, course_key=course.translation_key
    ).first()
    if existing is not None and existing.status != Enrolment.Status.WITHDRAWN:
        raise EnrolmentError(_("You are already enrolled in this course."))
    if not email_confirmed(user):
        raise EnrolmentError(
            _(
                "Confirm your e-mail address first: open the link we e-mailed you, then enrol."
            )
        )
    cohort = cohort_for_key(course, key)
    return enrol(user, course, cohort=cohort, actor=user)


def cohort_for_key(course: CoursePage, key: str) -> Cohort | None:
    """The cohort a self-enrolling learner joins: the cohort whose key they typed
    (letter case and spaces around it do not matter), else the open cohort
    without a key; ``None`` when the course has no cohorts.

    Raises :class:`EnrolmentError` for a wrong key, and when no cohort can take
    the learner without one.
    """
    cohorts = list(
        Cohort.objects.filter(course__translation_key=course.translation_key)
    )
    key = " ".join((key or "").split()).casefold()
    if key:
        for cohort in cohorts:
            if cohort.enrolment_key and constant_time_compare(
                " ".join(cohort.enrolment_key.split()).casefold(), key
            ):
                return cohort
        raise WrongEnrolmentKey(
            _("That enrolment key is not correct. Check it with your course team.")
        )
    if not cohorts:
        return None
    keyless = [c for c in cohorts if not c.enrolment_key]
    if not keyless:
        raise EnrolmentError(
            _("This course needs an enrolment key from your course team.")
        )
    open_now = [c for c in keyless if c.is_open()]
    if not open_now:
        raise EnrolmentError(
            _("Enrolment for %(cohort)s is closed.") % {"cohort": keyless[0].name}
        )
    return open_now[0]


def key_field(course: CoursePage) -> str:
    """How the enrolment form asks for a cohort key: ``"required"`` when every
    cohort has one, ``"optional"`` when some do, ``""`` when none does."""
    keys = list(
        Cohort.objects.filter(
            course__translation_key=course.translation_key
        ).values_list("enrolment_key", flat=True)
    )
    if not any(keys):
        return ""
    return "required" if all(keys) else "optional"


def enrol(
    user: AbstractBaseUser,
    course: CoursePage,
    cohort: Cohort | None = None,
    actor: AbstractBaseUser | None = None,
    note: str = "",
) -> Enrolment:
    """Enrol ``user`` (or re-enrol after withdrawal, keeping earlier progress)."""
    with transaction.atomic():
        if cohort is not None:
            # Lock the cohort so two learners cannot both take its last place.
            cohort = Cohort.objects.select_for_update().get(pk=cohort.pk)
            if not cohort.is_open():
                raise EnrolmentError(
                    _("Enrolment for %(cohort)s is closed.") % {"cohort": cohort.name}
                )
            if cohort.capacity is not None:
                taken = cohort.enrolments.exclude(
                    status=Enrolment.Status.WITHDRAWN
                ).count()
                if taken >= cohort.capacity:
                    raise EnrolmentError(
                        _("%(cohort)s is full.") % {"cohort": cohort.name}
                    )
        existing = (
            Enrolment.objects.select_for_update()
            .filter(user=user, course_key=course.translation_key)
            .first()
        )
        if existing is not None:
            if existing.status != Enrolment.Status.WITHDRAWN:
                raise EnrolmentError(_("Already enrolled in this course."))
            existing.status = (
                Enrolment.Status.COMPLETED
                if existing.completed_at
                else Enrolment.Status.ACTIVE
            )
            existing.cohort = cohort or existing.cohort
            existing.save(update_fields=["status", "cohort"])
            event = EnrolmentEvent.objects.create(
                enrolment=existing,
                kind=EnrolmentEvent.Kind.REENROLLED,
                actor=actor,
                note=note,
            )
            enrolment = existing
        else:
            try:
                with transaction.atomic():
                    enrolment = Enrolment.objects.create(
                        user=user,
                        course=course,
                        course_key=course.translation_key,
                        cohort=cohort,
                    )
            except IntegrityError:
                raise EnrolmentError(_("Already enrolled in this course.")) from None
            event = EnrolmentEvent.objects.create(
                enrolment=enrolment,
                kind=EnrolmentEvent.Kind.ENROLLED,
                actor=actor,
                note=note,
            )
        emit(
            Event.ENROLMENT_CREATED,
            {**enrolment_data(enrolment), "at": event.at},
            key=f"enrolment.created:{event.pk}",
        )
    return refresh_summary(enrolment)


def withdraw(
    enrolment: Enrolment, actor: AbstractBaseUser | None = None, note: str = ""
) -> Enrolment:
    """Withdraw a learner. Their progress stays and returns if they re-enrol."""
    if enrolment.status == Enrolment.Status.WITHDRAWN:
        return enrolment
    with transaction.atomic():
        enrolment.status = Enrolment.Status.WITHDRAWN
        enrolment.save(update_fields=["status"])
        event = EnrolmentEvent.objects.create(
            enrolment=enrolment,
            kind=EnrolmentEvent.Kind.WITHDRAWN,
            actor=actor,
            note=note,
            at=timezone.now(),
        )
        emit(
            Event.ENROLMENT_WITHDRAWN,
            {**enrolment_data(enrolment), "at": event.at},
            key=f"enrolment.withdrawn:{event.pk}",
        )
    return enrolment
