"""What names an erased person outside their records: their sessions, the staff
API's stored answers and the admin's history are cleared, as a scan of the whole
database shows; the confirmation says how many of each go."""

from __future__ import annotations

import json
import re
from importlib import import_module

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from wagtail.models import ModelLogEntry

from courses.models import CoursePage, IdempotentRequest
from tests.courses.privacy_world import ANNAS_DATA, erase
from tests.database_scan import scan_database
from tests.factories import make_user, token_client

pytestmark = pytest.mark.django_db


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
