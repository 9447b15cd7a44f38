"""Erasing a person: every declared kind of record handled by its strategy, files
removed, the act logged.

What stays is what others rely on and names nobody: enrolments and lesson rows
behind a course's figures, tied to an account with no name; certificates as
tombstones that still verify. Erasing twice changes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import models, transaction
from django.db.models import QuerySet
from django.utils.functional import Promise

from courses.privacy.models import PrivacyLog
from courses.privacy.registry import (
    PersonalData,
    Strategy,
    actor_references,
    records_of,
)
from courses.privacy.registry import personal_data as declared_personal_data


@dataclass(frozen=True)
class PlannedErasure:
    """What erasing does to one kind of record of a person, for the confirmation."""

    name: str
    description: str | Promise
    strategy: Strategy
    count: int
    files: int


def erasure_plan(user: AbstractBaseUser) -> list[PlannedErasure]:
    """Per declared kind with rows, how many there are, what happens to them and
    how many files go: the list staff confirm."""
    plan = []
    for declaration in declared_personal_data():
        rows = records_of(declaration, user)
        count = rows.count()
        if not count:
            continue
        plan.append(
            PlannedErasure(
                name=declaration.name,
                description=declaration.description,
                strategy=declaration.erasure.strategy,
                count=count,
                files=len(_files_to_delete(declaration, rows)),
            )
        )
    return plan


def _erasures(user: AbstractBaseUser) -> QuerySet[PrivacyLog]:
    return PrivacyLog.objects.filter(
        action=PrivacyLog.Action.ERASE, subject_user_id=user.pk
    )


def last_erasure(user: AbstractBaseUser) -> PrivacyLog | None:
    """The log entry of the person's erasure, if they were erased."""
    return _erasures(user).order_by("-at").first()


def is_erased(user: AbstractBaseUser) -> bool:
    return _erasures(user).exists()


def erase_person(
    user: AbstractBaseUser,
    *,
    channel: PrivacyLog.Channel,
    actor: AbstractBaseUser | None = None,
    reason: str,
) -> None:
    """Erase ``user``'s personal data and log it.

    All rows change in one transaction; files are deleted from storage only once
    it has committed, so a failure half-way loses nothing and leaves no row
    pointing at a missing file.
    """
    with transaction.atomic():
        # Every kind's rows are picked out before any changes: rows found by what
        # they say (an e-mail address in a session) could not be found once the
        # account is anonymised. Those go last, after the records they describe.
        declarations = sorted(
            declared_personal_data(),
            key=lambda declaration: declaration.find is not None,
        )
        planned = [(d, records_of(d, user)) for d in declarations]
        files: list[tuple[models.FileField, str]] = []
        for declaration, rows in planned:
            files += _files_to_delete(declaration, rows)
            _erase(declaration, rows)
        for reference in actor_references():
            model = apps.get_model(reference.model)
            model._default_manager.filter(**{reference.field: user}).update(
                **{reference.field: None}
            )
        PrivacyLog.objects.create(
            action=PrivacyLog.Action.ERASE,
            channel=channel,
            subject_user_id=user.pk,
            actor_user_id=actor.pk if actor is not None else None,
            reason=reason,
        )
        transaction.on_commit(lambda: _delete_files(files))


def _erase(declaration: PersonalData, rows: QuerySet) -> None:
    erasure = declaration.erasure
    if erasure.before is not None:
        erasure.before(rows)
    if erasure.strategy == Strategy.DELETE:
        rows.delete()
        return
    model = declaration.model_class()
    blanks = {name: _blank(model._meta.get_field(name)) for name in erasure.fields}
    if blanks:
        rows.update(**blanks)


def _blank(field: models.Field) -> object:
    """The value that holds nothing: NULL where allowed, else the field's empty
    value (an empty name, an empty answer list, no file)."""
    if field.null:
        return None
    if field.has_default():
        return field.get_default()
    if isinstance(field, models.JSONField):
        return {}
    return ""


def _files_to_delete(
    declaration: PersonalData, rows: QuerySet
) -> list[tuple[models.FileField, str]]:
    """The stored files erasing these rows removes: every file of a deleted row,
    and the files in fields that are blanked."""
    erasure = declaration.erasure
    model = declaration.model_class()
    names = [
        name
        for name in declaration.files
        if erasure.strategy == Strategy.DELETE or name in erasure.fields
    ]
    found = []
    for name in names:
        field = model._meta.get_field(name)
        for stored in rows.exclude(**{name: ""}).values_list(name, flat=True):
            if stored:
                found.append((field, stored))
    return found


def _delete_files(files: Iterable[tuple[models.FileField, str]]) -> None:
    for field, name in files:
        field.storage.delete(name)
