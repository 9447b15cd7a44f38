"""Live sessions of a course (in person, online, hybrid), the attendance recorded at
them, and the secret tokens of learners' calendar feeds.

Attendance is written only through :mod:`courses.live_sessions.attendance`.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

#: No 0/O, 1/I/L: learners copy the code from a slide or a spoken word.
CHECK_IN_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CHECK_IN_CODE_LENGTH = 6


def new_check_in_code() -> str:
    return "".join(
        secrets.choice(CHECK_IN_ALPHABET) for _ in range(CHECK_IN_CODE_LENGTH)
    )


def normalise_check_in_code(code: str) -> str:
    """Codes are compared without case, spaces or dashes, as people type them."""
    return "".join(code.split()).replace("-", "").upper()


class LiveSessionQuerySet(models.QuerySet):
    def for_course(self, course) -> LiveSessionQuerySet:
        """Sessions of any language version of ``course``."""
        return self.filter(course_key=course.translation_key)

    def for_cohort(self, cohort_id: int | None) -> LiveSessionQuerySet:
        """Sessions a learner of the cohort (or of no cohort) is expected at."""
        sessions_for_all = models.Q(cohort__isnull=True)
        if cohort_id is None:
            return self.filter(sessions_for_all)
        return self.filter(sessions_for_all | models.Q(cohort_id=cohort_id))

    def hours(self) -> Decimal:
        """The academic hours of these sessions together."""
        return self.aggregate(total=models.Sum("hours"))["total"] or Decimal(0)


class LiveSession(models.Model):
    """A scheduled meeting of a course's learners, attached to one of its modules.

    One row serves the Latvian and the English course: it stores both titles and
    places and the course's ``translation_key``, as enrolments do.
    """

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    title = models.CharField(
        pgettext_lazy("live session", "title (Latvian)"), max_length=255
    )
    title_en = models.CharField(
        pgettext_lazy("live session", "title (English)"), max_length=255, blank=True
    )
    module = models.ForeignKey(
        "courses.ModulePage",
        verbose_name=_("module"),
        # Attendance at a session is evidence of a learner's hours.
        on_delete=models.PROTECT,
        related_name="live_sessions",
    )
    course_key = models.UUIDField(
        _("course translation key"), editable=False, db_index=True
    )
    cohort = models.ForeignKey(
        "courses.Cohort",
        verbose_name=_("cohort"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="live_sessions",
        help_text=_("Leave empty for a session of every cohort of the course."),
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    mode = models.CharField(
        _("mode"), max_length=10, choices=Mode.choices, default=Mode.IN_PERSON
    )
    place = models.CharField(_("place (Latvian)"), max_length=255, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=255, blank=True)
    online_link = models.URLField(
        _("online link"),
        max_length=500,
        blank=True,
        help_text=_("Shown only to enrolled learners and staff."),
    )
    hours = models.DecimalField(
        _("academic hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Academic hours credited to a learner present for all of it."),
    )
    check_in_code = models.CharField(
        _("check-in code"),
        max_length=12,
        blank=True,
        help_text=_(
            "Learners type it to check in: at least 6 letters or digits. Leave "
            "empty to generate one."
        ),
    )
    check_in_opens_minutes = models.PositiveSmallIntegerField(
        _("check-in opens (minutes before start)"), default=15
    )
    check_in_closes_minutes = models.PositiveSmallIntegerField(
        _("check-in closes (minutes after end)"), default=30
    )

    objects = LiveSessionQuerySet.as_manager()

    panels = [
        FieldPanel("module"),
        FieldPanel("cohort"),
        FieldPanel("title"),
        FieldPanel("title_en"),
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("hours"),
        MultiFieldPanel(
            [
                FieldPanel("mode"),
                FieldPanel("place"),
                FieldPanel("place_en"),
                FieldPanel("online_link"),
            ],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("check_in_code"),
                FieldRowPanel(
                    [
                        FieldPanel("check_in_opens_minutes"),
                        FieldPanel("check_in_closes_minutes"),
                    ]
                ),
            ],
            heading=_("Check-in"),
        ),
    ]

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")),
                name="live_session_ends_after_start",
            )
        ]
        verbose_name = _("live session")
        verbose_name_plural = _("live sessions")

    def __str__(self) -> str:
        if self.start is None:
            return self.display_title
        return f"{self.display_title} ({timezone.localtime(self.start):%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if not self.check_in_code:
            self.check_in_code = new_check_in_code()
        else:
            self.check_in_code = normalise_check_in_code(self.check_in_code)
        # Both language versions of a course find their sessions by this key.
        self.course_key = self.module.get_parent().translation_key
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "course_key"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = _("The session must end after it starts.")
        if self.cohort_id and self.module_id:
            course = self.module.get_parent()
            if self.cohort.course.translation_key != course.translation_key:
                errors["cohort"] = _("Choose a cohort of the module's course.")
        chosen = normalise_check_in_code(self.check_in_code or "")
        if chosen and len(chosen) < CHECK_IN_CODE_LENGTH:
            # A short code falls to guessing within the tries a learner has.
            errors["check_in_code"] = _(
                "Use at least %(count)d letters or digits, or leave it empty."
            ) % {"count": CHECK_IN_CODE_LENGTH}
        if errors:
            raise ValidationError(errors)

    def regenerate_check_in_code(self) -> str:
        """A new code, e.g. after the old one was shared outside the room."""
        self.check_in_code = new_check_in_code()
        self.save(update_fields=["check_in_code"])
        return self.check_in_code

    @property
    def display_title(self) -> str:
        """The title in the active language, falling back to Latvian."""
        if (get_language() or "").startswith("en") and self.title_en:
            return self.title_en
        return self.title

    @property
    def display_place(self) -> str:
        if (get_language() or "").startswith("en") and self.place_en:
            return self.place_en
        return self.place

    @property
    def check_in_opens_at(self) -> datetime:
        return self.start - timedelta(minutes=self.check_in_opens_minutes)

    @property
    def check_in_closes_at(self) -> datetime:
        return self.end + timedelta(minutes=self.check_in_closes_minutes)

    def check_in_is_open(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.check_in_opens_at <= at <= self.check_in_closes_at

    @property
    def is_past(self) -> bool:
        return self.end < timezone.now()

    def is_for(self, enrolment) -> bool:
        """Whether ``enrolment``'s learner is expected at this session."""
        return enrolment.course_key == self.course_key and (
            self.cohort_id is None or self.cohort_id == enrolment.cohort_id
        )


class Attendance(models.Model):
    """One learner's attendance at one live session."""

    class Status(models.TextChoices):
        PRESENT = "present", _("Present")
        ABSENT = "absent", _("Absent")
        EXCUSED = "excused", _("Excused")

    class Source(models.TextChoices):
        REGISTER = "register", _("Register")
        CHECK_IN = "check_in", _("Check-in")

    session = models.ForeignKey(
        LiveSession,
        verbose_name=_("live session"),
        on_delete=models.PROTECT,
        related_name="attendance",
    )
    enrolment = models.ForeignKey(
        "courses.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="attendance",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    hours = models.DecimalField(
        _("academic hours"),
        max_digits=4,
        decimal_places=1,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    source = models.CharField(
        _("recorded through"), max_length=10, choices=Source.choices
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("marked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    marked_at = models.DateTimeField(_("marked"), default=timezone.now)

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["session__start", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"],
                name="one_attendance_per_session_and_enrolment",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0), name="attendance_hours_not_negative"
            ),
        ]
        permissions = [
            ("take_attendance", _("Can take every course's attendance")),
        ]
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance records")

    def __str__(self) -> str:
        return f"{self.enrolment} — {self.session}: {self.get_status_display()}"


class CalendarToken(models.Model):
    """The secret in a learner's calendar-feed URL; calendar apps cannot sign in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="calendar_token",
    )
    key = models.CharField(_("key"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self) -> str:
        return str(self.user)

    @classmethod
    def for_user(cls, user) -> CalendarToken:
        token, _created = cls.objects.get_or_create(
            user=user, defaults={"key": secrets.token_urlsafe(24)}
        )
        return token

    def reset(self) -> None:
        """A new key: the old feed URL stops working, e.g. after it leaked."""
        self.key = secrets.token_urlsafe(24)
        self.created_at = timezone.now()
        self.save(update_fields=["key", "created_at"])
