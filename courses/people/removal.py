"""What keeps a person's account from being deleted.

Enrolments and certificates protect their learner: a certificate must stay
verifiable, and a learner's history must not vanish with a click. Deleting such an
account is refused with a message that names what holds it; the account can be
deactivated instead, which stops sign-in and keeps the records.
"""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.models import AbstractBaseUser
from django.db import router
from django.db.models import Model, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.utils.translation import gettext, ngettext


def records_holding(user: AbstractBaseUser) -> list[tuple[str, int]]:
    """``(what, how many)`` for each kind of record that prevents deleting
    ``user``, e.g. ``[("enrolments", 2), ("certificates", 1)]``; empty when the
    account can be deleted."""
    collector = Collector(using=router.db_for_write(type(user)), origin=user)
    try:
        collector.collect([user])
    except ProtectedError as exc:
        held: set[Model] = set(exc.protected_objects)
    except RestrictedError as exc:
        held = set(exc.restricted_objects)
    else:
        return []
    counts = Counter(type(obj) for obj in held)
    return [
        (
            str(
                model._meta.verbose_name
                if count == 1
                else model._meta.verbose_name_plural
            ),
            count,
        )
        for model, count in sorted(counts.items(), key=lambda item: item[0].__name__)
    ]


def describe(records: list[tuple[str, int]]) -> str:
    """``records`` as a phrase: "2 enrolments, 1 certificate"."""
    return ", ".join(f"{count} {what}" for what, count in records)


def refusal(user: AbstractBaseUser, records: list[tuple[str, int]]) -> str:
    name = user.get_full_name() or user.get_username()
    return gettext(
        "{name} cannot be deleted: their {records} are kept (a certificate must "
        "stay verifiable, a learner's history must not be lost). Deactivate the "
        "account instead: they can no longer sign in, and the records stay."
    ).format(name=name, records=describe(records))


def refusal_summary(count: int) -> str:
    return ngettext(
        "%(count)d account was not deleted because it holds learning records.",
        "%(count)d accounts were not deleted because they hold learning records.",
        count,
    ) % {"count": count}


def deactivate(user: AbstractBaseUser) -> None:
    """Stop ``user`` signing in; every record of theirs stays."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
