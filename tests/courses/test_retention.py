"""Submitted files are deleted a year after the course ends, staff told a month
before; the submission itself stays."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.core.checks import run_checks
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.formats import date_format
from wagtail.users.models import UserProfile

from courses.assignments.retention import announce, delete_expired
from courses.assignments.submissions import submit_assignment
from courses.enrolment.enrolling import enrol
from courses.models import AssignmentSubmission, Enrolment
from tests.courses.assessment_factories import make_assignment
from tests.factories import (
    en_url,
    in_english_admin,
    make_cohort,
    make_course_editor,
    make_course_tree,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Inga's cohort ended 340 days ago; Jānis (no cohort) completed 100 days ago;
    Anna (no cohort) is still learning. Each submitted a file."""
    course, lessons = make_course_tree(modules=1, lessons=1, title="Robotics")
    module = lessons[0].get_parent().specific
    assignment = make_assignment(module, title="Robot plan")
    today = timezone.localdate()
    cohort = make_cohort(course, name="Autumn 2025", ends_on=today - timedelta(340))
    author = in_english_admin(
        make_course_editor(course, username="author", email="author@e.lv")
    )
    submissions = {}
    for name, group in (("inga", cohort), ("janis", None), ("anna", None)):
        enrolment = enrol(make_user(username=name, email=f"{name}@e.lv"), course)
        Enrolment.objects.filter(pk=enrolment.pk).update(cohort=group)
        submissions[name] = submit_assignment(
            enrolment,
            assignment,
            text=f"{name}'s plan",
            upload=ContentFile(b"%PDF-1.7 plan", name=f"{name}.pdf"),
        )
    # Noon of the day 100 days ago: "now" less 100 days may fall on another
    # local date across a change of summer time (23:30 in winter is 00:30 in
    # summer).
    Enrolment.objects.filter(user__username="janis").update(
        status=Enrolment.Status.COMPLETED,
        completed_at=timezone.make_aware(
            datetime.combine(today - timedelta(100), time(12))
        ),
    )
    return {"course": course, "author": author, "submissions": submissions}


def files(world) -> dict[str, str]:
    return {
        name: AssignmentSubmission.objects.get(pk=submission.pk).file.name
        for name, submission in world["submissions"].items()
    }


def test_staff_are_told_once_which_files_go_and_when(world):
    today = timezone.localdate()
    assert announce(today) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["author@e.lv"]
    assert message.subject == "Submitted files of Robotics will be deleted"
    due = today + timedelta(30)
    with translation.override("en"):
        on = date_format(due, "DATE_FORMAT")
    assert f"Autumn 2025: 1 file on {on}" in message.body
    assert "only the files go" in message.body
    # Told once: the same day again, nothing more.
    assert announce(today) == 0 and len(mail.outbox) == 1


def test_the_notice_comes_in_the_staff_members_language(world):
    profile = UserProfile.get_for_user(world["author"])
    profile.preferred_language = "lv"
    profile.save()
    announce()
    assert mail.outbox[0].subject == "Kursā Robotics iesniegtie faili tiks dzēsti"
    due = timezone.localdate() + timedelta(30)
    assert f"Autumn 2025: 1 fails, dzēšanas datums: {due.year}. gada" in (
        mail.outbox[0].body
    )


def test_files_go_only_after_the_notice_period(world):
    today = timezone.localdate()
    announce(today)
    before = files(world)
    assert delete_expired(today + timedelta(29)) == 0
    assert all(default_storage.exists(name) for name in before.values())
    assert delete_expired(today + timedelta(30)) == 1
    after = files(world)
    assert after["inga"] == "" and not default_storage.exists(before["inga"])
    assert default_storage.exists(before["janis"]) and after["anna"]
    inga = AssignmentSubmission.objects.get(pk=world["submissions"]["inga"].pk)
    assert inga.text == "inga's plan" and inga.file_deleted_at is not None
    # Running again deletes nothing more.
    assert delete_expired(today + timedelta(30)) == 0


def test_a_completion_without_a_cohort_counts_from_the_completion(world):
    today = timezone.localdate()
    later = today + timedelta(265 - 30)
    assert announce(later) == 2  # Inga's and Jānis's (Anna is still learning)
    assert delete_expired(later + timedelta(30)) == 2
    assert files(world)["anna"]


def test_an_unannounced_file_is_never_deleted(world):
    assert delete_expired(timezone.localdate() + timedelta(3650)) == 0
    assert all(files(world).values())


def test_the_learner_sees_when_the_file_went(client, world):
    today = timezone.localdate()
    announce(today)
    delete_expired(today + timedelta(30))
    client.force_login(world["submissions"]["inga"].enrolment.user)
    assignment = world["submissions"]["inga"].assignment
    page = client.get(en_url("courses:assignment", assignment.pk)).content.decode()
    assert "The file was deleted on" in page
    assert "inga.pdf" not in page and "inga&#x27;s plan" in page


def test_keeping_files_for_ever(world, settings):
    settings.LMS_SUBMISSION_RETENTION_DAYS = None
    assert announce() == 0
    assert delete_expired(timezone.localdate() + timedelta(3650)) == 0
    assert not mail.outbox


def test_a_wrong_setting_is_a_start_up_error(settings):
    settings.LMS_SUBMISSION_RETENTION_DAYS = "a year"
    messages = [str(error.msg) for error in run_checks()]
    assert any("LMS_SUBMISSION_RETENTION_DAYS" in message for message in messages)


def test_the_command_does_both(world):
    out = io.StringIO()
    call_command("apply_retention", stdout=out)
    assert "Announced the deletion of 1 files; deleted 0." in out.getvalue()
