"""Erasing a person: nothing personal is left in any declared model, no file is
left behind, their certificate still verifies, figures still count them, and
erasing twice is harmless."""

from __future__ import annotations

import csv
import io
import json
import re
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test import RequestFactory, TestCase
from django.urls import reverse
from wagtail.models import ModelLogEntry

from certificates.issuing import IssuingError, issue_certificate, reissue
from certificates.models import Certificate
from courses.models import (
    AssignmentSubmission,
    CoursePage,
    Enrolment,
    IdempotentRequest,
    PrivacyLog,
    QuizAttempt,
)
from courses.privacy.erasure import erase_person, erasure_plan
from courses.privacy.registry import personal_data, records_of
from tests.courses.privacy_world import Course
from tests.database_scan import scan_database
from tests.factories import (
    in_english_admin,
    make_course_editor,
    make_user,
    token_client,
)

pytestmark = pytest.mark.django_db

#: What Anna's records said about her, none of which may remain anywhere.
ANNAS_DATA = (
    "Anna",
    "Bērziņa",
    "anna@e.lv",
    "My plan for grade 7",
    "Well argued",
    "the goals are clear",
)


def everything_declared() -> str:
    """Every row of every declared model, as one JSON text."""
    dump = {}
    for declaration in personal_data():
        model = declaration.model_class()
        # In key order: the database may return rows in any order.
        dump[declaration.name] = list(model._default_manager.order_by("pk").values())
    return json.dumps(dump, cls=DjangoJSONEncoder, ensure_ascii=False)


def erase(world: Course, **kwargs) -> None:
    kwargs.setdefault("channel", PrivacyLog.Channel.COMMAND)
    kwargs.setdefault("reason", "Erasure request 2026/7")
    # Files go once the erasure has committed, as in real use.
    with TestCase.captureOnCommitCallbacks(execute=True):
        erase_person(world.learner, **kwargs)


def stored_files(world: Course) -> tuple[str, str]:
    submission = AssignmentSubmission.objects.get(enrolment=world.enrolment)
    return submission.file.name, world.certificate.pdf.name


def test_nothing_personal_remains_in_any_declared_model(person_world):
    before = everything_declared()
    assert all(value in before for value in ANNAS_DATA)
    erase(person_world)
    after = everything_declared()
    assert [value for value in ANNAS_DATA if value in after] == []
    # Pēteris's records are untouched.
    assert "Pēteris" in after and "Pēteris's secret draft" in after
    # His comment on her (now erased) work is his, and stays.
    assert "A comment by Pēteris on the plan" in after
    learner = type(person_world.learner).objects.get(pk=person_world.learner.pk)
    assert (learner.username, learner.email, learner.first_name) == (
        f"erased-{learner.pk}",
        "",
        "",
    )
    assert not learner.is_active and not learner.has_usable_password()
    assert not EmailAddress.objects.filter(user=learner).exists()
    for declaration in personal_data():
        rows = records_of(declaration, learner)
        if declaration.erasure.strategy == "delete":
            assert not rows.exists(), declaration.name
        for field in declaration.erasure.fields:
            values = rows.values_list(field, flat=True)
            assert all(value in ("", None, {}, []) for value in values), (
                declaration.name,
                field,
            )
    attempt = QuizAttempt.objects.get(enrolment=person_world.enrolment)
    assert attempt.percent == 100 and not attempt.answers


def test_the_persons_files_are_deleted_and_nobody_elses(person_world):
    submission_file, pdf = stored_files(person_world)
    others = AssignmentSubmission.objects.get(
        enrolment=person_world.other_enrolment
    ).file.name
    assert default_storage.exists(submission_file) and default_storage.exists(pdf)
    erase(person_world)
    assert not default_storage.exists(submission_file)
    assert not default_storage.exists(pdf)
    assert default_storage.exists(others)


def test_the_certificate_still_verifies_without_the_name(client, person_world):
    certificate = person_world.certificate
    erase(person_world)
    certificate.refresh_from_db()
    assert (certificate.learner_name, certificate.pdf.name) == ("", "")
    assert certificate.holder_erased_at is not None
    assert len(certificate.pdf_sha256) == 64
    page = client.get(
        certificate.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert (
        "This certificate is valid; its holder's details were erased on request."
        in page
    )
    assert certificate.serial in page and "Digital pedagogy" in page
    assert "Anna" not in page and "Bērziņa" not in page
    data = client.get(
        f"/api/v1/certificates/verify/{certificate.verification_code}"
    ).json()
    assert (data["serial"], data["learner"], data["holder_erased"]) == (
        certificate.serial,
        "",
        True,
    )
    assert data["hours"] == float(certificate.hours)
    assert "Anna" not in json.dumps(certificate.snapshot, ensure_ascii=False)


def test_the_verification_page_says_so_in_latvian(client, person_world):
    erase(person_world)
    page = client.get(
        person_world.certificate.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="lv"
    ).content.decode()
    assert "dzēsti" in page


def test_nothing_is_issued_to_an_erased_person(person_world):
    erase(person_world)
    with pytest.raises(IssuingError, match="erased"):
        reissue(person_world.certificate, reason="Name corrected")
    Certificate.objects.all().delete()
    with pytest.raises(IssuingError, match="erased"):
        issue_certificate(
            person_world.enrolment, how=Certificate.How.MANUAL, reason="Register"
        )


def test_erasing_twice_is_harmless(person_world):
    erase(person_world)
    once = everything_declared()
    erase(person_world)
    assert everything_declared() == once
    assert erasure_plan(person_world.learner)  # the account and its tombstones
    assert PrivacyLog.objects.filter(action="erase").count() == 2


def test_reports_count_an_erased_learner_without_naming_them(client, person_world):
    erase(person_world)
    author = in_english_admin(person_world.author)
    client.force_login(author)
    response = client.get("/admin/reports/export/csv/", HTTP_ACCEPT_LANGUAGE="en")
    rows = list(
        csv.reader(
            io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))
        )
    )
    names = sorted(row[0] for row in rows[1:])
    assert names == ["Erased on request", "Pēteris Ozols"]
    assert "anna@e.lv" not in str(rows)
    assert Enrolment.objects.count() == 2


def test_an_erased_person_cannot_sign_in(client, person_world):
    erase(person_world)
    for name in ("anna", "anna@e.lv", f"erased-{person_world.learner.pk}"):
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=name, password="pw-for-tests") is None


# The admin


def administrator():
    return in_english_admin(
        make_user(username="root", is_staff=True, is_superuser=True)
    )


def test_the_confirmation_lists_what_goes(client, person_world):
    client.force_login(administrator())
    page = client.get(f"/admin/accounts/{person_world.learner.pk}/erase/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Erase personal data" in html
    assert "Your assignment submissions" in html
    assert "kept as a record that names nobody" in html
    assert not PrivacyLog.objects.exists()


def test_a_wrong_confirmation_erases_nothing(client, person_world):
    client.force_login(administrator())
    before = everything_declared()
    response = client.post(
        f"/admin/accounts/{person_world.learner.pk}/erase/",
        {"reason": "Erasure request 7", "confirm": "peteris@e.lv"},
    )
    assert response.status_code == 400
    assert "This is not the address of the person being erased." in (
        response.content.decode()
    )
    assert everything_declared() == before
    assert not PrivacyLog.objects.exists()


def test_administrator_erases_a_person(client, person_world):
    admin = administrator()
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/{person_world.learner.pk}/erase/",
        {"reason": "Erasure request 7", "confirm": " ANNA@e.lv "},
    )
    assert response.status_code == 302
    log = PrivacyLog.objects.get()
    assert (log.action, log.channel, log.actor_user_id, log.reason) == (
        "erase",
        "admin",
        admin.pk,
        "Erasure request 7",
    )
    assert "Anna" not in everything_declared()
    # Asked again, the page says it was done and offers nothing to post.
    page = client.get(f"/admin/accounts/{person_world.learner.pk}/erase/")
    assert "There is nothing left to erase." in page.content.decode()


def test_course_staff_cannot_erase(client, person_world):
    client.force_login(make_course_editor(person_world.enrolment.course))
    url = f"/admin/accounts/{person_world.learner.pk}/erase/"
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    response = client.post(url, {"reason": "x", "confirm": "anna@e.lv"})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert not PrivacyLog.objects.exists()


# The command


def test_command_erases_by_address(person_world):
    out = io.StringIO()
    call_command(
        "erase_person", "Anna@E.lv", reason="Request 9", interactive=False, stdout=out
    )
    assert f"Erased the personal data of user {person_world.learner.pk}." in (
        out.getvalue()
    )
    assert PrivacyLog.objects.get().channel == "command"
    # The address is gone with the person: a second run finds nobody.
    with pytest.raises(CommandError, match="no account"):
        call_command("erase_person", "anna@e.lv", reason="Request 9", interactive=False)


def test_command_asks_first(person_world, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Nothing was erased"):
        call_command("erase_person", "anna@e.lv", reason="Request 9")
    assert "Anna" in everything_declared()
    assert not PrivacyLog.objects.exists()


def test_command_needs_a_reason(person_world):
    with pytest.raises(CommandError):
        call_command("erase_person", "anna@e.lv", reason="  ", interactive=False)
    assert not PrivacyLog.objects.exists()


def test_the_privacy_log_lists_erasures_for_those_who_may_erase(client, person_world):
    erase(person_world, reason="Erasure request 2026/7")
    client.force_login(administrator())
    page = client.get("/admin/privacy-log/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Erasure request 2026/7" in html and "Erasure" in html
    assert "Anna" not in html and "anna@e.lv" not in html
    client.force_login(make_course_editor(person_world.enrolment.course))
    response = client.get("/admin/privacy-log/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


# What names the person outside their records: sessions, stored API answers and
# the admin's history


def test_a_full_database_scan_finds_nothing_of_the_person_after_erasure(
    traced_world,
):
    """Every value of every table (sessions decoded, stored answers and log
    entries included) is searched for Anna's name, address and words: found
    before the erasure in her sessions, the registrar's stored API answers and
    the admin's history, found nowhere after it."""
    world = traced_world.world
    before = scan_database(ANNAS_DATA)
    assert {
        "auth_user",
        "django_session",
        "courses_idempotentrequest",
        "wagtailcore_modellogentry",
    } <= before.tables_with_hits()
    erase(world)
    after = scan_database(ANNAS_DATA)
    print(f"\nAfter erasure: {after.summary()}")
    assert after.hits == []
    assert (
        after.tables == before.tables == sorted(connection.introspection.table_names())
    )
    # Pēteris is still found where he was.
    assert scan_database(["Pēteris"]).tables_with_hits() >= {
        "auth_user",
        "courses_idempotentrequest",
    }


def test_the_scan_reports_what_is_left(traced_world):
    """A name left in a session, a stored answer or a log label is reported with
    its table and column, so the scan above cannot pass by seeing nothing."""
    erase(traced_world.world)
    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore
    session = SessionStore()
    session["account_verified_email"] = "ANNA@e.lv"
    session.create()
    IdempotentRequest.objects.filter(pk=traced_world.peterises_answer.pk).update(
        body=json.dumps({"learner": "Anna B\u0113rzi\u0146a"}).encode()
    )
    ModelLogEntry.objects.filter(action="wagtail.edit").update(label="anna")
    hits = set(scan_database(ANNAS_DATA).hits)
    assert hits == {
        ("django_session", "session_data", "anna@e.lv"),
        ("django_session", "session_data", "Anna"),
        ("courses_idempotentrequest", "body", "Anna"),
        ("courses_idempotentrequest", "body", "Bērziņa"),
        ("wagtailcore_modellogentry", "label", "Anna"),
    }


def test_erasure_ends_the_persons_sessions_and_nobody_elses(traced_world):
    """Anna's sessions (signed in, on her phone, and the sign-up page that
    remembered her address) are deleted; Pēteris and the administrator stay
    signed in."""
    keys = traced_world.annas_sessions + traced_world.others_sessions
    assert Session.objects.filter(pk__in=keys).count() == 5
    erase(traced_world.world)
    assert set(Session.objects.filter(pk__in=keys).values_list("pk", flat=True)) == (
        set(traced_world.others_sessions)
    )


def test_stored_api_answers_naming_the_person_are_removed(traced_world):
    """The registrar's stored answers that enrolled and withdrew Anna are gone:
    sent again, the enrolment is carried out anew (and refused, as the address
    has no account now and no names were given) instead of replaying her name;
    the answer about Pēteris still replays."""
    erase(traced_world.world)
    api, _token = token_client(traced_world.registrar)
    robotics = CoursePage.objects.get(title="Robotics")
    url = f"/api/v1/staff/courses/{robotics.pk}/enrolments"
    assert set(IdempotentRequest.objects.values_list("key", flat=True)) == {"row-2"}

    def send(key: str, email: str):
        return api.post(
            url,
            json.dumps({"email": email}),
            content_type="application/json",
            headers={"Idempotency-Key": key},
        )

    again = send("row-1", "anna@e.lv")
    assert again.status_code == 400
    assert "Idempotent-Replayed" not in again
    assert "Anna" not in again.content.decode()
    peteris = send("row-2", traced_world.world.other.email)
    assert peteris.status_code == 201
    assert peteris["Idempotent-Replayed"] == "true"
    assert peteris.json()["enrolment"]["learner"] == "Pēteris Ozols"


def test_an_answer_naming_the_person_only_by_enrolment_is_removed(person_world):
    """A stored answer that names Anna by nothing but her enrolment's number goes
    too; one with Pēteris's enrolment stays."""
    registrar = make_user(username="registrar")
    for key, enrolment in (
        ("a", person_world.enrolment),
        ("p", person_world.other_enrolment),
    ):
        IdempotentRequest.objects.create(
            user=registrar,
            key=key,
            fingerprint=key,
            status=200,
            body=json.dumps({"enrolment": {"id": enrolment.pk}}).encode(),
            content_type="application/json",
        )
    erase(person_world)
    assert list(IdempotentRequest.objects.values_list("key", flat=True)) == ["p"]


def test_the_admin_history_names_the_erased_account(client, traced_world):
    """The admin's history keeps the administrator's edit of Anna's account,
    labelled with the account's new name instead of hers."""
    learner = traced_world.world.learner
    erase(traced_world.world)
    entry = ModelLogEntry.objects.get(action="wagtail.edit", object_id=str(learner.pk))
    assert (entry.label, entry.user_id) == (
        f"erased-{learner.pk}",
        traced_world.administrator.pk,
    )
    client.force_login(traced_world.administrator)
    html = client.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert f"erased-{learner.pk}" in html
    assert "anna" not in html.casefold()


def test_the_confirmation_lists_sessions_answers_and_history(client, traced_world):
    """Before erasing, the administrator sees how many sessions end, how many
    stored answers go and how many history entries lose the name."""
    client.force_login(traced_world.administrator)
    page = client.get(f"/admin/accounts/{traced_world.world.learner.pk}/erase/")
    html = page.content.decode()
    for description, count, effect in (
        ("Your sign-ins to this site", 3, "deleted"),
        ("Answers of the staff API that name you", 2, "deleted"),
        ("The admin&#x27;s history of changes", 1, "kept without personal details"),
    ):
        row = re.search(
            rf"<tr><td>{description}[^<]*</td><td>(\d+)</td><td>0</td><td>([^<]+)</td>",
            html,
        )
        assert row, description
        assert (int(row[1]), row[2]) == (count, effect)


def test_an_address_is_found_whole_never_inside_another():
    """Erasing anna@example.lv leaves what names joanna@example.lv alone."""
    from courses.privacy.traces import Marks

    marks = Marks(
        email="anna@example.lv",
        names=frozenset(),
        user_id="7",
        enrolment_ids=frozenset(),
    )
    assert marks.found_in({"to": "Anna@Example.lv"})
    assert marks.found_in(["sent to anna@example.lv, then"])
    assert not marks.found_in({"to": "joanna@example.lv"})
    assert not marks.found_in("anna@example.lv.lt")
