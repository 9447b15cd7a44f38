"""Staff bulk enrolment from a CSV file: read the file, check every row, enrol.

The file has a header row naming the columns (English or Latvian): e-mail, first
name, last name and, optionally, cohort. Every row is checked before anything is
written; the valid rows are then enrolled in one transaction through
:func:`courses.enrolment.enrolling.enrol`, and the learners are e-mailed once it commits.
Who may enrol into which course is decided by the caller (the admin view or the
``enrol_csv`` command), not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import IO, TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.enrolment.csv_reading import CsvLine, read_csv
from courses.enrolment.emails import send_enrolment_emails
from courses.enrolment.enrolling import EnrolmentError, enrol
from courses.models import Cohort, CoursePage, Enrolment

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


class Outcome(models.TextChoices):
    CREATED = "created", gettext_lazy("Account created and enrolled")
    ENROLLED = "enrolled", gettext_lazy("Enrolled")
    REENROLLED = "reenrolled", gettext_lazy("Re-enrolled")
    REFUSED = "refused", gettext_lazy("Refused")


@dataclass
class CsvRow:
    """The result for one row: what happened (or would happen) and why."""

    line: int
    email: str
    first_name: str = ""
    last_name: str = ""
    cohort_name: str = ""
    outcome: Outcome | None = None
    reason: str = ""
    cohort: Cohort | None = field(default=None, repr=False)
    user: AbstractBaseUser | None = field(default=None, repr=False)

    def refuse(self, reason: str) -> None:
        self.outcome = Outcome.REFUSED
        self.reason = reason

    @property
    def refused(self) -> bool:
        return self.outcome == Outcome.REFUSED

    @property
    def outcome_label(self) -> str:
        return self.outcome.label if self.outcome else ""


@dataclass
class CsvReport:
    """Per-row results of one upload, in file order, and their totals."""

    course: CoursePage
    dry_run: bool
    rows: list[CsvRow] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def created(self) -> int:
        return self.count(Outcome.CREATED)

    @property
    def enrolled(self) -> int:
        return self.count(Outcome.ENROLLED)

    @property
    def reenrolled(self) -> int:
        return self.count(Outcome.REENROLLED)

    @property
    def refused(self) -> int:
        return self.count(Outcome.REFUSED)

    @property
    def accepted(self) -> int:
        """Rows enrolled (or, in a dry run, that would be), whatever the kind."""
        return len(self.rows) - self.refused

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def counts(self) -> list[tuple[Outcome, int]]:
        return [(outcome, self.count(outcome)) for outcome in Outcome]


# Checking and enrolling --------------------------------------------------------


def enrol_from_csv(
    file: bytes | IO[bytes] | IO[str],
    course: CoursePage,
    actor: AbstractBaseUser | None,
    *,
    dry_run: bool = False,
) -> CsvReport:
    """Enrol the learners listed in a CSV file into ``course``.

    Every row is checked first; the valid ones are then enrolled together in one
    transaction, creating accounts for unknown e-mail addresses. Learners are
    e-mailed after the transaction commits: new accounts (and accounts that never
    set a password) get a link to choose their password. With ``dry_run`` nothing
    is written or sent; the report says what would happen.
    """
    return enrol_lines(read_csv(file), course, actor, dry_run=dry_run)


def enrol_lines(
    lines: list[CsvLine],
    course: CoursePage,
    actor: AbstractBaseUser | None,
    *,
    dry_run: bool = False,
) -> CsvReport:
    """Enrol the learners of ``lines`` (rows of a file, or one person the API
    names) into ``course``, as :func:`enrol_from_csv` does."""
    report = CsvReport(course=course, dry_run=dry_run)
    report.rows = check_rows(lines, course)
    if dry_run or not report.accepted:
        return report
    enrolled: list[CsvRow] = []
    with transaction.atomic():
        for row in report.rows:
            if row.refused:
                continue
            try:
                # A savepoint per row: a refusal must not leave its new account.
                with transaction.atomic():
                    user = row.user or _create_user(row)
                    enrol(user, course, cohort=row.cohort, actor=actor, note="CSV")
            except EnrolmentError as error:
                row.refuse(str(error))
                continue
            except IntegrityError:
                row.refuse(_("Another account was created with this e-mail meanwhile."))
                continue
            row.user = user
            enrolled.append(row)
        if enrolled:
            transaction.on_commit(
                partial(
                    send_enrolment_emails,
                    course,
                    [(row.user, row.cohort) for row in enrolled],
                ),
                robust=True,
            )
    return report


def check_rows(lines: list[CsvLine], course: CoursePage) -> list[CsvRow]:
    """Decide every row's outcome without writing anything.

    Queries a fixed number of times whatever the number of rows.
    """
    User = get_user_model()
    rows = [
        CsvRow(
            line=line.line,
            email=line.email,
            first_name=line.first_name,
            last_name=line.last_name,
            cohort_name=line.cohort,
        )
        for line in lines
    ]
    emails = {line.email.lower() for line in lines}
    users_by_email: dict[str, list] = {}
    for user in User._default_manager.annotate(email_lower=Lower("email")).filter(
        email_lower__in=emails
    ):
        users_by_email.setdefault(user.email_lower, []).append(user)
    taken_usernames = set(
        User._default_manager.annotate(username_lower=Lower("username"))
        .filter(username_lower__in=emails)
        .values_list("username_lower", flat=True)
    )
    enrolments = {
        enrolment.user_id: enrolment
        for enrolment in Enrolment.objects.filter(
            course_key=course.translation_key,
            user__in=[u for users in users_by_email.values() for u in users],
        )
    }
    cohorts = list(
        Cohort.objects.filter(course__translation_key=course.translation_key)
        .annotate(
            taken=models.Count(
                "enrolments",
                filter=~models.Q(enrolments__status=Enrolment.Status.WITHDRAWN),
            )
        )
        .order_by("pk")
    )
    places_taken = {cohort.pk: cohort.taken for cohort in cohorts}
    first_line_of: dict[str, int] = {}
    validate_email = EmailValidator()

    for line, row in zip(lines, rows, strict=True):
        email = line.email.lower()
        if line.extra_values:
            row.refuse(_("This row has more values than the header has columns."))
            continue
        if not line.email:
            row.refuse(_("The e-mail address is missing."))
            continue
        try:
            validate_email(line.email)
        except ValidationError:
            row.refuse(_("Not a valid e-mail address"))
            continue
        if email in first_line_of:
            row.refuse(_("Duplicate of line %(line)s") % {"line": first_line_of[email]})
            continue
        first_line_of[email] = line.line
        if line.cohort:
            row.cohort = _find_cohort(cohorts, line.cohort, course)
            if row.cohort is None:
                row.refuse(_("Unknown cohort “%(name)s”") % {"name": line.cohort})
                continue
        matches = users_by_email.get(email, [])
        if len(matches) > 1:
            row.refuse(
                _(
                    "Several accounts use this e-mail address; enrol the learner by hand."
                )
            )
            continue
        if matches:
            row.user = matches[0]
            existing = enrolments.get(row.user.pk)
            if existing is not None and existing.status != Enrolment.Status.WITHDRAWN:
                row.refuse(_("Already enrolled"))
                continue
            row.outcome = Outcome.REENROLLED if existing else Outcome.ENROLLED
        else:
            if reason := _cannot_create(line, email, taken_usernames):
                row.refuse(reason)
                continue
            row.outcome = Outcome.CREATED
        if row.cohort is not None:
            if reason := _cohort_refusal(row.cohort, places_taken):
                row.refuse(reason)
                continue
            places_taken[row.cohort.pk] += 1
    return rows


def _find_cohort(cohorts: list[Cohort], name: str, course: CoursePage) -> Cohort | None:
    """The course's cohort of that name, ignoring case.

    A cohort of this very page wins over one of its translation with the same name.
    """
    matches = [
        cohort for cohort in cohorts if cohort.name.casefold() == name.casefold()
    ]
    matches.sort(key=lambda c: (c.course_id != course.pk, c.name != name))
    return matches[0] if matches else None


def _cannot_create(line: CsvLine, email: str, taken_usernames: set[str]) -> str:
    """Why no account can be made for this row, or "" if one can."""
    User = get_user_model()
    if not (line.first_name and line.last_name):
        return _("A new account needs a first name and a last name.")
    if email in taken_usernames:
        return _(
            "The username “%(username)s” belongs to an account with another e-mail "
            "address."
        ) % {"username": email}
    for name, value in [
        ("username", email),
        ("first_name", line.first_name),
        ("last_name", line.last_name),
    ]:
        max_length = User._meta.get_field(name).max_length
        if max_length and len(value) > max_length:
            return _("“%(value)s” is longer than %(max)s characters.") % {
                "value": value,
                "max": max_length,
            }
    return ""


def _cohort_refusal(cohort: Cohort, places_taken: dict[int, int]) -> str:
    if not cohort.is_open():
        return _("Enrolment for %(cohort)s is closed.") % {"cohort": cohort.name}
    if cohort.capacity is not None and places_taken[cohort.pk] >= cohort.capacity:
        return _("%(cohort)s is full.") % {"cohort": cohort.name}
    return ""


def _create_user(row: CsvRow) -> AbstractBaseUser:
    User = get_user_model()
    # No password: the learner chooses one through the link in their e-mail.
    return User._default_manager.create_user(
        username=row.email.lower(),
        email=User._default_manager.normalize_email(row.email),
        password=None,
        first_name=row.first_name,
        last_name=row.last_name,
    )
