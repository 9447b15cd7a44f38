"""A site with something of everything, and a person in each role, for the
permission matrix and the fuzz test."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from wagtail.models import GroupPagePermission

from certificates.bulk import start_bulk_issue
from certificates.issuing import issue_certificate
from certificates.models import (
    Certificate,
    CourseCertificateSettings,
    ExternalCertificate,
)
from courses.api_tokens.tokens import create_token
from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from courses.live_sessions.attendance import mark_attendance
from courses.models import (
    Activity,
    Attendance,
    CalendarToken,
    Competence,
    CompetenceArea,
    Framework,
    LessonPage,
    Package,
    PeerReview,
    WebhookDelivery,
    WebhookEndpoint,
)
from courses.progress.recording import record_lesson_completed
from courses.quizzes.attempts import start_attempt
from courses.roles import (
    COURSE_AUTHORS,
    PROGRAMME_ADMINISTRATORS,
    TUTORS,
    ensure_roles,
)
from tests.certificates.conftest import make_template
from tests.courses.assessment_factories import make_assignment, make_quiz
from tests.factories import (
    make_cohort,
    make_course_editor,
    make_course_tree,
    make_live_session,
    make_user,
)
from tests.security.lti_world import add_lti_platforms

ROLES = (
    "anonymous",
    "learner",
    "other_learner",
    "other_author",
    "admin_only",
    "course_author",
    "tutor",
    "programme_admin",
    "administrator",
)


@dataclass
class Route:
    """One URL pattern of the site, with its full name and route text."""

    name: str
    route: str
    pattern: URLPattern

    @property
    def params(self) -> list[str]:
        return list(self.pattern.pattern.regex.groupindex)


def site_routes() -> list[Route]:
    """Every URL pattern the URLconf resolves, with its namespaced name."""

    def walk(patterns, prefix: str, namespace: str | None):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(
                    part for part in (namespace, pattern.namespace) if part
                )
                yield from walk(
                    pattern.url_patterns, prefix + str(pattern.pattern), inner or None
                )
            else:
                name = pattern.name or ""
                if namespace and name:
                    name = f"{namespace}:{name}"
                yield Route(
                    name or prefix + str(pattern.pattern),
                    prefix + str(pattern.pattern),
                    pattern,
                )

    return [
        route
        for route in walk(get_resolver().url_patterns, "", None)
        # The demo's stand-in for Moodle (DEBUG only) plays the platform: it is
        # not the product, and a deployment never serves it.
        if not route.name.startswith("demo_platform:")
    ]


@dataclass
class World:
    course: object
    lesson: object
    module: object
    quiz: object
    session: object
    assignment: object
    #: An e-learning activity (its package's files are not needed).
    activity: object
    submission: object
    #: The learner's offer to comment on a classmate's work, with a comment.
    peer_review: object
    attempt: object
    certificate: object
    external_certificate: object
    cohort: object
    calendar_key: str
    bulk_job: object
    template: object
    course_settings: object
    quiz_revision: object
    template_revision: object
    quiz_lesson: object
    spare_cohort: object
    spare_session: object
    other_course: object
    users: dict
    api_token: object

    def url_values(self) -> dict:
        """A value of this world for each URL parameter the site's routes name."""
        return {
            "course_id": self.course.pk,
            "lesson_id": self.lesson.pk,
            "session_id": self.session.pk,
            "attempt_id": self.attempt.pk,
            "assignment_id": self.assignment.pk,
            "submission_id": self.submission.pk,
            "review_id": self.peer_review.pk,
            "quiz_id": self.quiz.pk,
            "user_id": self.users["learner"].pk,
            "key": self.calendar_key,
            "code": self.certificate.verification_code,
            "fmt": "csv",
            "token_id": self.api_token.pk,
            "enrolment_id": self.certificate.enrolment_id,
            "job_id": self.bulk_job.pk,
            "serial": self.certificate.serial,
        }

    def reloaded(self) -> World:
        """The same records read again from the database, so that what one test
        changed in memory is not what the next one reads."""

        def fresh(value):
            if isinstance(value, Model):
                return type(value)._default_manager.get(pk=value.pk)
            if isinstance(value, dict):
                return {key: fresh(item) for key, item in value.items()}
            return value

        return replace(
            self, **{f.name: fresh(getattr(self, f.name)) for f in fields(self)}
        )

    def client(self, role: str, **kwargs) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="en", **kwargs)
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


def in_role(user, role: str):
    """``user``, in the group of ``role`` as ``setup_roles`` makes it."""
    ensure_roles()
    user.groups.add(Group.objects.get(name=role))
    return user


def build_world() -> World:
    """Two courses with one record of every kind, and a person in each role."""
    template = make_template()
    course, lessons = make_course_tree(modules=1, lessons=2, title="Course A")
    module = lessons[0].get_parent().specific
    quiz = make_quiz(title="Quiz A")
    LessonPage.objects.filter(pk=lessons[1].pk).update(quiz=quiz)
    now = timezone.now()
    session = make_live_session(
        module,
        online_link="https://zoom.us/j/555000111",
        start=now - timedelta(minutes=10),
        end=now + timedelta(hours=1),
        check_in_code="AB3CD4",
    )
    assignment = make_assignment(module)
    cohort = make_cohort(course, name="Daugavpils", enrolment_key="STEM-DAUGAVPILS")
    other_course, _ = make_course_tree(modules=1, lessons=1, title="Course B")

    learner = make_user(username="learner", first_name="Anna", last_name="Bērziņa")
    enrolment = enrol(learner, course, cohort=cohort)
    submission = submit_assignment(
        enrolment, assignment, upload=ContentFile(b"%PDF-1.7\n", name="plan.pdf")
    )
    attempt, _ = start_attempt(enrolment, quiz)
    mark_attendance(session, enrolment, Attendance.Status.PRESENT)
    for lesson in lessons:
        record_lesson_completed(enrolment, lesson)
    certificate = Certificate.objects.filter(enrolment=enrolment).first() or (
        issue_certificate(enrolment, how=Certificate.How.MANUAL, reason="Register")
    )
    classmate = make_user(username="classmate", first_name="Ieva", last_name="Kalna")
    classmates_work = submit_assignment(
        enrol(classmate, course, cohort=cohort), assignment, text="Ieva's plan."
    )
    peer_review = PeerReview.objects.create(
        reviewer=enrolment,
        submission=classmates_work,
        assignment_key=assignment.translation_key,
        comment="Clear goals.",
        commented_at=now,
        status=PeerReview.Status.PENDING,
    )
    token = CalendarToken.for_user(learner)
    other_learner = make_user(username="other_learner")
    enrol(other_learner, other_course)
    admin_only = make_user(username="admin_only")
    admin_only.user_permissions.add(Permission.objects.get(codename="access_admin"))
    users = {
        "learner": learner,
        "other_learner": other_learner,
        "other_author": make_course_editor(other_course, username="other_author"),
        "admin_only": admin_only,
        "course_author": in_role(make_user(username="course_author"), COURSE_AUTHORS),
        "tutor": in_role(make_user(username="tutor"), TUTORS),
        "programme_admin": in_role(
            make_user(username="programme_admin"), PROGRAMME_ADMINISTRATORS
        ),
        "administrator": make_user(
            username="administrator", is_staff=True, is_superuser=True
        ),
    }
    # The course authors are given Course A only, as a site administrator
    # narrows the group's page permissions; the tutor teaches its Daugavpils
    # cohort and not its other one.
    GroupPagePermission.objects.filter(group__name=COURSE_AUTHORS).update(page=course)
    cohort.tutors.add(users["tutor"])
    course_settings = CourseCertificateSettings.objects.create(
        course=course, template=template
    )
    framework = Framework.objects.create(name="DigCompEdu", code="digcompedu")
    area = CompetenceArea.objects.create(
        framework=framework, code="2", name="Digital resources"
    )
    Competence.objects.create(
        framework=framework, area=area, code="2.1", name="Selecting"
    )
    endpoint = WebhookEndpoint.objects.create(
        name="HR", url="https://93.184.215.14/lms", events=["lesson.completed"]
    )
    WebhookDelivery.objects.create(
        endpoint=endpoint,
        uuid=uuid.uuid4(),
        event="lesson.completed",
        event_key="lesson.completed:1",
        payload={"occurred_at": now.isoformat(), "data": {}},
        status="failed",
        next_attempt_at=now,
    )
    add_lti_platforms(learner, course, now)
    return World(
        course=course,
        lesson=lessons[0],
        module=module,
        quiz=quiz,
        session=session,
        assignment=assignment,
        activity=Activity.objects.create(
            title="Energy SCORM",
            package=Package.objects.create(
                digest="0" * 64,
                kind="scorm12",
                launch="index.html",
                size=1,
                file_count=1,
            ),
        ),
        submission=submission,
        peer_review=peer_review,
        attempt=attempt,
        certificate=certificate,
        external_certificate=ExternalCertificate.objects.create(
            user=learner,
            title="Digitālās prasmes",
            provider="Rīgas Tehniskā universitāte",
            hours=12,
            completed_on=date(2025, 3, 1),
            pdf=ContentFile(b"%PDF-1.7\n", name="external.pdf"),
        ),
        cohort=cohort,
        calendar_key=token.key,
        template=template,
        course_settings=course_settings,
        quiz_revision=quiz.save_revision(),
        template_revision=template.save_revision(),
        quiz_lesson=lessons[1],
        spare_cohort=make_cohort(course, name="Rēzekne"),
        spare_session=make_live_session(
            module, start=now + timedelta(days=7), end=now + timedelta(days=7, hours=2)
        ),
        bulk_job=start_bulk_issue(course, None, actor=users["administrator"]),
        other_course=other_course,
        users=users,
        api_token=create_token(
            users["programme_admin"], "Registry", "write", now + timedelta(days=30)
        )[0],
    )


@pytest.fixture
def world(shared_data) -> World:
    """The world, built once per test process for every role's tests; each test
    reads it in a transaction rolled back after it, through fresh copies of its
    records."""
    return shared_data("world", build_world).reloaded()


def row_counts() -> list[tuple[str, int]]:
    """How many rows each of the site's tables holds, to see that a request
    changed nothing (one query for all of them)."""
    with connection.cursor() as cursor:
        cursor.execute(_row_count_sql())
        return cursor.fetchall()


@functools.cache
def _row_count_sql() -> str:
    # The tables are those of the migrated schema: the same for the whole run.
    tables = [
        table
        for table in sorted(connection.introspection.table_names())
        if table.startswith(("courses_", "certificates_", "auth_user", "account_"))
    ]
    quote = connection.ops.quote_name
    return " UNION ALL ".join(
        f"SELECT '{table}', COUNT(*) FROM {quote(table)}" for table in tables
    )
