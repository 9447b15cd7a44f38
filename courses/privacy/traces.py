"""What names a person outside their own records, found by what it holds: the
sessions they signed in with (and the pages of sign-up and e-mail confirmation
that remembered their address), the answers of the staff API kept for other
staff's retries, and the entries of Wagtail's admin history about their records.

None of these points at the person with a key, so each is searched: sessions are
decoded one by one and stored answers read as JSON (an administrator's rare
action may read every row; the rows are streamed). Declared in
:mod:`courses.privacy.declarations` with the ``find`` of the registry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends import db as db_sessions
from django.contrib.sessions.backends.base import SessionBase
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from wagtail.models import ModelLogEntry

from courses.api_tokens.models import IdempotentRequest
from courses.enrolment.models import Enrolment
from courses.privacy.registry import personal_data, records_of

#: Keys under which a user id is kept: Django's signed-in user, allauth's record
#: of whose sign-in it remembers, and a JSON answer's reference to a user.
USER_ID_KEYS = frozenset(
    {SESSION_KEY, "account_authentication_methods_user", "user_id"}
)


@dataclass(frozen=True)
class Marks:
    """What names a person in stored data: their e-mail address anywhere in a
    text; their full name or user name as a whole value (inside other words a
    name is too common to be theirs: "Anna" is in "Annas iela"); their user id
    and their enrolments' ids under the keys that hold such ids. Compared
    without regard to letter case."""

    email: str
    names: frozenset[str]
    user_id: str
    enrolment_ids: frozenset[int]

    @classmethod
    def of(cls, user: AbstractBaseUser) -> Marks:
        names = {user.get_username()}
        if hasattr(user, "get_full_name"):
            names.add(user.get_full_name())
        return cls(
            email=(getattr(user, "email", "") or "").casefold(),
            names=frozenset(_folded(name) for name in names if name.strip()),
            user_id=user._meta.pk.value_to_string(user),
            enrolment_ids=frozenset(
                Enrolment.objects.filter(user=user).values_list("pk", flat=True)
            ),
        )

    def found_in(self, value: object) -> bool:
        """Whether ``value`` (decoded JSON: dicts, lists, strings, numbers)
        names the person anywhere."""
        if isinstance(value, str):
            return bool(self.email and self._email_in(value.casefold())) or (
                _folded(value) in self.names
            )
        if isinstance(value, dict):
            return any(
                self._is_their_id(key, item) or self.found_in(item)
                for key, item in value.items()
            )
        if isinstance(value, list):
            return any(self.found_in(item) for item in value)
        return False

    @cached_property
    def _whole_email(self) -> re.Pattern[str]:
        # The whole address only: anna@example.lv must not find joanna@example.lv.
        # Compiled once: every string of every session is matched against it.
        return re.compile(rf"(?<![\w.+-]){re.escape(self.email)}(?![\w.-])")

    def _email_in(self, folded: str) -> bool:
        return self._whole_email.search(folded) is not None

    def _is_their_id(self, key: str, value: object) -> bool:
        if key in USER_ID_KEYS:
            return str(value) == self.user_id
        if key == "enrolment" and isinstance(value, dict):
            key, value = "enrolment_id", value.get("id")
        return (
            key == "enrolment_id" and type(value) is int and value in self.enrolment_ids
        )


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


# Sessions ------------------------------------------------------------------------


def session_store() -> type[SessionBase]:
    return import_module(settings.SESSION_ENGINE).SessionStore


def sessions_are_in_database() -> bool:
    """Whether the site keeps sessions in a table this module can read (the
    database and cached-database engines). Sessions in the cache alone or in
    signed cookies cannot be listed; an erased person's expire with
    ``SESSION_COOKIE_AGE`` and can no longer sign anyone in (the account is
    deactivated and its password hash, which Django checks on every request,
    has changed)."""
    return issubclass(session_store(), db_sessions.SessionStore)


def sessions_of(user: AbstractBaseUser) -> Iterator[str]:
    """The keys of the sessions that are the person's (signed in as them) or
    that remember their address (allauth keeps the address being signed up,
    confirmed or signed in with), expired ones included."""
    store = session_store()
    marks = Marks.of(user)
    rows = store.get_model_class()._default_manager.values_list(
        "session_key", "session_data"
    )
    for key, data in rows.iterator(chunk_size=500):
        if marks.found_in(store().decode(data)):
            yield key


def end_sessions(sessions: QuerySet) -> None:
    """Ends the sessions through the session engine, which also drops the copy a
    cached-database engine holds in the cache."""
    store = session_store()
    for key in sessions.values_list("session_key", flat=True):
        store().delete(key)


# The staff API's stored answers --------------------------------------------------


def answers_naming(user: AbstractBaseUser) -> Iterator[int]:
    """The stored answers of other staff's API writes that name the person (an
    enrolment by their address answers with their name and address).

    Removing one only means that its key is forgotten early: a retry with that
    key is carried out again, as a request without a key always is (enrolling
    the address again, withdrawing an enrolment that is already withdrawn),
    instead of being answered with the erased name for the rest of 24 hours.
    The bodies are read in Python rather than searched in SQL: they are JSON,
    whose escapes ("B\\u0113rzi\\u0146a") no database-neutral LIKE would match.
    """
    marks = Marks.of(user)
    rows = (
        IdempotentRequest.objects.exclude(user=user)
        .filter(status__isnull=False)
        .values_list("pk", "body")
    )
    for pk, body in rows.iterator(chunk_size=200):
        text = bytes(body).decode("utf-8", errors="replace")
        try:
            content = json.loads(text)
        except ValueError:
            content = text
        if marks.found_in(content):
            yield pk


# Wagtail's admin history ---------------------------------------------------------


def history_of(user: AbstractBaseUser) -> QuerySet[int]:
    """The primary keys of the admin-history entries about the person's account
    and records (an edit of their account in Wagtail's user admin is labelled
    with their user name, one of their enrolment with it and the course)."""
    about = Q(pk__in=[])
    for declaration in personal_data():
        if declaration.find is not None:
            continue
        model = declaration.model_class()
        keys = records_of(declaration, user).annotate(
            log_key=Cast("pk", output_field=CharField())
        )
        about |= Q(
            content_type=ContentType.objects.get_for_model(
                model, for_concrete_model=False
            ),
            object_id__in=keys.values("log_key"),
        )
    return ModelLogEntry.objects.filter(about).values_list("pk", flat=True)


def relabel_history(entries: QuerySet) -> None:
    """Each entry's label becomes what its record is called now that it is
    erased ("erased-17", "erased-17 — Robotics"); a deleted record's, its kind
    and number ("learner profile 12")."""
    for content_type_id in set(entries.values_list("content_type_id", flat=True)):
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        of_kind = entries.filter(content_type_id=content_type_id)
        ids = set(of_kind.values_list("object_id", flat=True))
        records = model._default_manager.in_bulk(ids) if model else {}
        labels = {str(pk): str(record) for pk, record in records.items()}
        for entry in of_kind.only("pk", "object_id"):
            label = labels.get(entry.object_id) or (
                f"{model._meta.verbose_name if model else content_type_id} "
                f"{entry.object_id}"
            )
            of_kind.filter(pk=entry.pk).update(label=label)
