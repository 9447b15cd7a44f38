"""A person's data: every model that holds it is declared, and the export gives
them all of theirs and nothing of anyone else's."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from courses.dates import print_date
from courses.models import (
    PrivacyLog,
)
from courses.privacy import registry
from courses.privacy.export import export_person
from tests.certificates.conftest import pdf_text
from tests.courses.assessment_factories import (
    OPT_RIGHT,
    SINGLE,
    TEXT,
)
from tests.courses.privacy_world import Course
from tests.factories import (
    en_url,
    in_english_admin,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(person_world: Course) -> Course:
    return person_world


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def exported(user, **kwargs) -> dict[str, bytes]:
    out = io.BytesIO()
    kwargs.setdefault("channel", PrivacyLog.Channel.COMMAND)
    export_person(user, out, **kwargs)
    return read_zip(out.getvalue())


def records(files: dict[str, bytes], name: str) -> list[dict]:
    return json.loads(files[f"{name}.json"])


# The registry


#: Tables that name a person without a key to them, walked with the apps.
TRACES = ("sessions.Session", "wagtailcore.ModelLogEntry", "wagtailcore.PageLogEntry")


def test_every_model_that_points_at_a_person_is_declared():
    """Each foreign key of courses and certificates to a user, or to a declared
    record, is the way to its person, an actor reference or a reasoned exclusion;
    the user model is declared too; so are sessions and Wagtail's admin history,
    and the staff API's stored answers that name a person."""
    assert registry.undeclared_references(["courses", "certificates"], TRACES) == []
    found_by_content = {
        (d.model, d.erasure.strategy) for d in registry.personal_data() if d.find
    }
    assert found_by_content == {
        ("sessions.Session", "delete"),
        ("courses.IdempotentRequest", "delete"),
        ("wagtailcore.ModelLogEntry", "anonymise"),
    }


def test_a_trace_left_out_of_the_registry_is_found(monkeypatch):
    """Without their declarations, sessions are reported as a table the registry
    says nothing of, and the admin history's pointer at who acted as undeclared."""
    kept = {
        name: declaration
        for name, declaration in registry._personal_data.items()
        if name != "sessions"
    }
    monkeypatch.setattr(registry, "_personal_data", kept)
    monkeypatch.setattr(
        registry,
        "_exclusions",
        {e for e in registry._exclusions if e.model != "wagtailcore.ModelLogEntry"},
    )
    assert registry.undeclared_references(["courses"], TRACES) == [
        "sessions.Session",
        "wagtailcore.ModelLogEntry.user",
    ]


def test_a_model_left_out_of_the_registry_is_found(monkeypatch):
    """Without its declaration, attendance (and whatever points at the enrolment
    through it) is reported."""
    kept = {
        name: declaration
        for name, declaration in registry._personal_data.items()
        if name != "attendance"
    }
    monkeypatch.setattr(registry, "_personal_data", kept)
    assert registry.undeclared_references(["courses"]) == [
        "courses.Attendance.enrolment"
    ]


def test_staff_actor_fields_are_declared_as_actor_references():
    """Who reviewed, marked, uploaded, issued, revoked or started a bulk issue is declared
    as an actor reference (set to NULL on erasure), not as the record's owner."""
    assert {(r.model, r.field) for r in registry.actor_references()} == {
        ("courses.EnrolmentEvent", "actor"),
        ("courses.AssignmentSubmission", "reviewed_by"),
        ("courses.Attendance", "marked_by"),
        ("courses.PeerReview", "moderated_by"),
        ("courses.Package", "uploaded_by"),
        ("certificates.Certificate", "issued_by"),
        ("certificates.Certificate", "revoked_by"),
        ("certificates.BulkIssueJob", "created_by"),
    }


# The export


def test_export_holds_everything_of_the_learner(course):
    """The ZIP has the account, enrolment and its history, progress, the quiz
    answers, the submission with its file, the competence assessed, attendance and
    the certificate with its PDF."""
    files = exported(course.learner)
    [account] = records(files, "account")
    assert (account["username"], account["email"]) == ("anna", "anna@e.lv")
    assert records(files, "preferences") == [
        {"preferred_language": "lv", "municipality": "ogre"}
    ]
    assert len(records(files, "calendar_feed")) == 1
    assert "key" not in records(files, "calendar_feed")[0]
    [enrolment] = records(files, "enrolments")
    assert enrolment["course__title"] == "Digital pedagogy"
    assert enrolment["status"] == "completed"
    kinds = [event["kind"] for event in records(files, "enrolment_history")]
    assert kinds[0] == "enrolled" and "completed" in kinds
    assert len(records(files, "lesson_progress")) == 2
    [attempt] = records(files, "quiz_attempts")
    assert attempt["quiz__title"] == "Backward design"
    assert attempt["answers"][SINGLE] == OPT_RIGHT
    assert attempt["answers"][TEXT] == "Lietpratība"
    [submission] = records(files, "assignment_submissions")
    assert submission["text"] == "My plan for grade 7"
    assert submission["feedback"] == "Well argued"
    assert submission["file"].startswith("files/assignment_submissions/")
    assert submission["file"].endswith(".pdf")
    assert files[submission["file"]] == b"%PDF-1.7 Anna's plan"
    assert records(files, "competence_assessments")[0]["competence__code"] == "2.1"
    [comment] = records(files, "peer_comments_written")
    assert comment["comment"] == "Anna's comment: the goals are clear"
    assert (comment["status"], comment["submission__assignment__title"]) == (
        "approved",
        "Lesson plan",
    )
    [attendance] = records(files, "attendance")
    assert (attendance["session__title"], attendance["status"]) == (
        "Kick-off",
        "present",
    )
    [certificate] = records(files, "certificates")
    assert certificate["serial"] == course.certificate.serial
    assert certificate["learner_name"] == "Anna Bērziņa"
    assert certificate["pdf"].startswith("files/certificates/")
    assert "Anna Bērziņa" in pdf_text(files[certificate["pdf"]])


def test_export_holds_nothing_of_another_learner(course):
    """Another learner of the same course appears nowhere in the ZIP: not their
    enrolment, answers, text, file or name."""
    files = exported(course.learner)
    everything = b"".join(
        name.encode() + content
        for name, content in files.items()
        if not name.endswith(".pdf")
    ).decode()
    for trace in ("Pēteris", "peteris", "secret draft", "Zinātne"):
        assert trace not in everything
    enrolment_ids = {
        row["enrolment_id"]
        for name in ("lesson_progress", "quiz_attempts", "attendance")
        for row in records(files, name)
    }
    assert enrolment_ids == {course.enrolment.pk}


def test_export_holds_the_admin_history_of_the_person_and_nothing_of_staff(
    traced_world,
):
    """Anna's ZIP has the administrator's edit of her account (what and when, not
    who), and nothing of her sessions or of the registrar's stored answers; the
    registrar's ZIP has their keys and not a word of Anna or Pēteris."""
    files = exported(traced_world.world.learner)
    [edit] = records(files, "admin_history")
    assert (edit["action"], edit["label"]) == ("wagtail.edit", "anna")
    assert set(edit) == {"timestamp", "action", "label"}
    assert not {"sessions.json", "api_answers_naming_you.json"} & set(files)
    everything = b"".join(files.values())
    for staff in (b"root", b"registrar", b"row-1"):
        assert staff not in everything
    files = exported(traced_world.registrar)
    keys = {row["key"] for row in records(files, "api_idempotency_keys")}
    assert keys == {"row-1", "row-2", "withdraw-1"}
    assert records(files, "admin_history") == []
    everything = b"".join(
        content for name, content in files.items() if name != "README.txt"
    ).decode()
    for trace in ("anna", "bērziņa", "pēteris", "ozols"):
        assert trace not in everything.casefold()


def test_export_readme_is_in_the_learners_language(course):
    """Anna prefers Latvian: the README explains each file in Latvian."""
    readme = exported(course.learner)["README.txt"].decode()
    assert "Jūsu personas dati" in readme
    assert "quiz_attempts.json: " in readme
    assert "atbildēm" in readme
    # The date sits in a sentence, so it takes the locative ("decembrī").
    today = print_date(timezone.localdate(), "lv")
    assert f"ko šī vietne par Jums glabāja {today}." in readme


def test_reviewers_export_names_what_they_acted_on_and_no_learner(course):
    """The author's export lists the submission they reviewed by kind and id,
    and none of the learner's data."""
    files = exported(course.author)
    actions = records(files, "staff_actions")
    submission = course.enrolment.assignment_submissions.get()
    assert {
        "record": "courses.AssignmentSubmission",
        "id": submission.pk,
        "as": "reviewed_by",
    } in actions
    assert records(files, "enrolments") == []
    assert b"My plan" not in b"".join(files.values())


def test_every_export_is_logged(course):
    """An export writes a log row with whose data, who and the channel, and
    nothing else about the person."""
    exported(course.learner, channel=PrivacyLog.Channel.ADMIN, actor=course.author)
    log = PrivacyLog.objects.get()
    assert (log.subject_user_id, log.actor_user_id, log.channel, log.action) == (
        course.learner.pk,
        course.author.pk,
        "admin",
        "export",
    )


# Who may download


def test_learner_downloads_their_own_data_from_the_dashboard(client, course):
    """The dashboard links to the download, which is the learner's own ZIP."""
    client.force_login(course.learner)
    dashboard = client.get(en_url("courses:dashboard")).content.decode()
    url = en_url("courses:download_my_data")
    assert f'href="{url}"' in dashboard
    assert "Download my data" in dashboard
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    files = read_zip(b"".join(response.streaming_content))
    assert records(files, "account")[0]["username"] == "anna"
    log = PrivacyLog.objects.get()
    assert (log.subject_user_id, log.actor_user_id, log.channel) == (
        course.learner.pk,
        course.learner.pk,
        "self",
    )


def test_anonymous_visitor_is_sent_to_sign_in(client, course):
    """Without signing in there is no ZIP, and nothing is logged."""
    response = client.get(en_url("courses:download_my_data"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert not PrivacyLog.objects.exists()


def test_course_author_cannot_export_a_learner(client, course):
    """A course's author may review their learners' work but not export a
    person: the admin refuses and nothing is logged."""
    client.force_login(course.author)
    url = f"/admin/accounts/{course.learner.pk}/export/"
    for response in (client.get(url), client.post(url)):
        # Wagtail's admin answers a lack of permission with its home page and
        # a message.
        assert response.status_code == 302
        assert response["Location"] == "/admin/"
    assert not PrivacyLog.objects.exists()


def test_administrator_exports_a_person_from_the_admin(client, course):
    """An administrator confirms, then downloads the person's ZIP; the log names
    the administrator and the admin channel."""
    admin = in_english_admin(
        make_user(username="root", is_staff=True, is_superuser=True)
    )
    client.force_login(admin)
    url = f"/admin/accounts/{course.learner.pk}/export/"
    page = client.get(url).content.decode()
    assert "Export personal data" in page
    assert not PrivacyLog.objects.exists()
    # Without a reason: asked for one, nothing exported or logged.
    response = client.post(url, {"reason": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not PrivacyLog.objects.exists()
    response = client.post(url, {"reason": "Access request 2026/14"})
    assert response.status_code == 200
    files = read_zip(b"".join(response.streaming_content))
    assert records(files, "certificates")[0]["serial"] == course.certificate.serial
    log = PrivacyLog.objects.get()
    assert (log.subject_user_id, log.actor_user_id, log.channel, log.reason) == (
        course.learner.pk,
        admin.pk,
        "admin",
        "Access request 2026/14",
    )


def test_users_listing_offers_the_export_to_administrators_only(client, course):
    """The users listing shows "Export data" to an administrator."""
    admin = in_english_admin(
        make_user(username="root", is_staff=True, is_superuser=True)
    )
    client.force_login(admin)
    html = client.get("/admin/users/").content.decode()
    assert f"/admin/accounts/{course.learner.pk}/export/" in html


def test_export_of_an_unknown_person_is_not_found(client, course):
    """An id that names no account is a 404, not a server error."""
    admin = in_english_admin(
        make_user(username="root", is_staff=True, is_superuser=True)
    )
    client.force_login(admin)
    assert client.post("/admin/accounts/999999/export/").status_code == 404


# The command


def test_command_writes_the_zip(course, tmp_path):
    """``manage.py export_person EMAIL --output FILE`` writes the person's ZIP
    and logs it as a command export."""
    output = tmp_path / "anna.zip"
    stdout = io.StringIO()
    call_command(
        "export_person",
        "ANNA@e.lv",
        output=str(output),
        reason="Access request 2026/15",
        stdout=stdout,
    )
    files = read_zip(output.read_bytes())
    assert records(files, "account")[0]["username"] == "anna"
    assert str(output) in stdout.getvalue()
    log = PrivacyLog.objects.get()
    assert (log.subject_user_id, log.actor_user_id, log.channel, log.reason) == (
        course.learner.pk,
        None,
        "command",
        "Access request 2026/15",
    )


def test_command_refuses_an_unknown_address(db):
    """An address with no account is an error, and nothing is written."""
    with pytest.raises(CommandError, match="no account"):
        call_command("export_person", "nobody@e.lv", reason="Access request")
    assert not PrivacyLog.objects.exists()
