"""The registry of personal data: which models hold a person's data, how to find
a person's rows, what is exported and how each will be erased.

In the spirit of Moodle's privacy API, every app declares its own models (from
its ``AppConfig.ready()``), so that ``courses`` knows nothing of the apps that
build on it. A test walks every model and fails when one that points at a user
or an enrolment is neither declared here nor excluded with a reason.

Some records name a person without a key to them: a session remembers who signed
in, an API answer kept for replay names the learner it enrolled, Wagtail's admin
history labels an entry with the account's user name. Their declarations say how
to find the person's rows by what the rows hold (``find``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Model, QuerySet
from django.utils.functional import Promise


class Strategy(StrEnum):
    """How a kind of record is erased (carried out by :mod:`courses.privacy.erasure`)."""

    #: The rows go with the person.
    DELETE = "delete"
    #: The rows stay (they count in a course's figures); the listed fields are
    #: blanked or replaced.
    ANONYMISE = "anonymise"
    #: The row stays as a marker that something existed (a certificate that must
    #: still verify as revoked), every personal field emptied.
    TOMBSTONE = "tombstone"


@dataclass(frozen=True)
class Erasure:
    strategy: Strategy
    #: The fields that anonymising or tombstoning clears. Files in them are
    #: deleted from storage.
    fields: tuple[str, ...] = ()
    #: What blanking fields cannot do, called with the person's rows first: the
    #: account needs a unique stand-in user name; a certificate's frozen text
    #: names its holder among facts that must stay.
    before: Callable[[QuerySet], None] | None = None


@dataclass(frozen=True)
class PersonalData:
    """One kind of record that belongs to a person.

    ``user_path`` is the lookup from the model to its person ("user",
    "enrolment__user"); empty for the user model itself. ``fields`` are exported
    with ``QuerySet.values()``, so they may follow relations ("course__title");
    none, and the kind stays out of the export (the rows are someone else's
    records that mention the person, or hold secrets). ``files`` are file fields
    whose files go into the export under ``files/``.

    ``find`` replaces ``user_path`` for records with no key to their person: it
    is given the person and returns the primary keys of the rows that name them.
    It runs before anything of the person is erased (what it looks for, an
    e-mail address or a user name, is gone afterwards), and such kinds are erased
    after every other kind (a log entry's new label is read from the erased
    record).
    """

    model: str
    name: str
    description: str | Promise
    user_path: str
    fields: tuple[str, ...]
    erasure: Erasure
    files: tuple[str, ...] = ()
    find: Callable[[AbstractBaseUser], Iterable[Any]] | None = None

    def model_class(self) -> type[Model]:
        return apps.get_model(self.model)


@dataclass(frozen=True)
class ActorReference:
    """A field naming a staff member who acted on someone else's record (who
    reviewed, marked, issued). It is not the record's owner's data about the
    staff member; on erasure it is set to NULL."""

    model: str
    field: str


@dataclass(frozen=True)
class Exclusion:
    """A reference to a user or an enrolment that deliberately holds no personal
    data, with the reason."""

    model: str
    field: str
    reason: str


_personal_data: dict[str, PersonalData] = {}
_actor_references: set[ActorReference] = set()
_exclusions: set[Exclusion] = set()


def register_personal_data(declaration: PersonalData) -> None:
    """Declare a kind of personal record (call from ``ready()``)."""
    existing = _personal_data.get(declaration.name)
    if existing is not None and existing != declaration:
        raise ValueError(f"Personal data {declaration.name!r} is declared twice.")
    _personal_data[declaration.name] = declaration


def register_actor_reference(model: str, field: str) -> None:
    _actor_references.add(ActorReference(model, field))


def register_exclusion(model: str, field: str, reason: str) -> None:
    _exclusions.add(Exclusion(model, field, reason))


def personal_data() -> list[PersonalData]:
    """Every declared kind of personal record, in the order declared."""
    return list(_personal_data.values())


def records_of(declaration: PersonalData, user: AbstractBaseUser) -> QuerySet:
    """The person's rows of one declared kind."""
    manager = declaration.model_class()._default_manager
    if declaration.find is not None:
        return manager.filter(pk__in=list(declaration.find(user)))
    if not declaration.user_path:
        return manager.filter(pk=user.pk)
    return manager.filter(**{declaration.user_path: user})


def actor_references() -> list[ActorReference]:
    return sorted(_actor_references, key=lambda ref: (ref.model, ref.field))


def exclusions() -> list[Exclusion]:
    return sorted(_exclusions, key=lambda exclusion: (exclusion.model, exclusion.field))


def undeclared_references(
    app_labels: Iterable[str], models: Iterable[str] = ()
) -> list[str]:
    """``"app.Model.field"`` for each foreign key or one-to-one field of the apps'
    models that points at a user or at a declared kind of personal record, yet is
    neither the declared path to the record's person, an actor reference nor an
    exclusion. Also the user model itself when it is not declared.

    ``models`` ("app.Model") are walked too, though their apps are not; each of
    them is also reported (as "app.Model") when the registry says nothing of it:
    a session points at nobody, yet names who signed in."""
    declared: dict[type[Model], list[PersonalData]] = {}
    for declaration in personal_data():
        declared.setdefault(declaration.model_class(), []).append(declaration)
    covered = {(apps.get_model(r.model), r.field) for r in actor_references()}
    covered |= {(apps.get_model(e.model), e.field) for e in exclusions()}
    user_model = get_user_model()
    missing = [] if user_model in declared else [user_model._meta.label]
    named = {apps.get_model(label) for label in models}
    for model in named - set(declared) - {model for model, _field in covered}:
        missing.append(model._meta.label)
    for model in apps.get_models():
        walked_whole = model._meta.app_label in app_labels
        if not walked_whole and model not in named:
            continue
        paths = {d.user_path.split("__")[0] for d in declared.get(model, [])}
        for field in model._meta.get_fields():
            if not (field.concrete and (field.many_to_one or field.one_to_one)):
                continue
            # Fields a page inherits from Wagtail's Page (owner, locked_by) are
            # Wagtail's to declare.
            if walked_whole and field.model._meta.app_label not in app_labels:
                continue
            target = field.related_model
            if target is not user_model and target not in declared:
                continue
            if (model, field.name) in covered or (
                model in declared
                and (
                    # A declared record's link to another record of the same person
                    # (a certificate's enrolment), or the path to its person.
                    target is not user_model or field.name in paths
                )
            ):
                continue
            missing.append(f"{model._meta.label}.{field.name}")
    return missing
