"""One person's data as a ZIP: a JSON file per kind of record, their files, and
a README in their language."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from pathlib import PurePath
from typing import IO

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model
from django.http import FileResponse
from django.utils import timezone, translation
from django.utils.translation import gettext

from courses.dates import date_in_words
from courses.people.languages import preferred_language
from courses.privacy.models import PrivacyLog
from courses.privacy.registry import (
    PersonalData,
    actor_references,
    personal_data,
    records_of,
)

FILES_FOLDER = "files"


def export_filename(user: AbstractBaseUser) -> str:
    """The download's name: the user id, not their name, so that a file left in
    a download folder says little about whom it holds."""
    return f"personal-data-{user.pk}-{timezone.localdate():%Y-%m-%d}.zip"


def export_person(
    user: AbstractBaseUser,
    out: IO[bytes],
    *,
    channel: PrivacyLog.Channel,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
) -> None:
    """Write ``user``'s data as a ZIP to ``out`` and log the export.

    Files are copied from storage into the archive in chunks, never read whole.
    """
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        declarations = [d for d in personal_data() if d.fields]
        for declaration in declarations:
            records = _records(declaration, user)
            for record in records:
                _add_files(archive, declaration, record)
            _write_json(archive, f"{declaration.name}.json", records)
        _write_json(archive, "staff_actions.json", _staff_actions(user))
        with translation.override(preferred_language(user)):
            archive.writestr("README.txt", _readme(declarations))
    PrivacyLog.objects.create(
        action=PrivacyLog.Action.EXPORT,
        channel=channel,
        subject_user_id=user.pk,
        actor_user_id=actor.pk if actor is not None else None,
        reason=reason,
    )


def zip_response(
    user: AbstractBaseUser,
    channel: PrivacyLog.Channel,
    actor: AbstractBaseUser | None,
    reason: str = "",
) -> FileResponse:
    """``user``'s export as a download, built in a temporary file so that a
    person with many files does not fill the server's memory."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115  (FileResponse closes it)
    export_person(user, spool, channel=channel, actor=actor, reason=reason)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=export_filename(user),
        content_type="application/zip",
    )


def _records(declaration: PersonalData, user: AbstractBaseUser) -> list[dict]:
    rows = records_of(declaration, user).order_by("pk")
    return list(rows.values(*declaration.fields))


def _add_files(
    archive: zipfile.ZipFile, declaration: PersonalData, record: dict
) -> None:
    """Copy the record's files into the archive and put their place in the
    archive in the record, where the storage name was."""
    model = declaration.model_class()
    for field_name in declaration.files:
        stored = record.get(field_name)
        if not stored:
            continue
        field = model._meta.get_field(field_name)
        # Two records may hold files of the same name; the storage path keeps
        # them apart.
        arcname = f"{FILES_FOLDER}/{declaration.name}/{PurePath(stored).as_posix()}"
        try:
            source = field.storage.open(stored, "rb")
        except OSError:
            record[field_name] = None
            continue
        with source, archive.open(arcname, "w") as target:
            shutil.copyfileobj(source, target)
        record[field_name] = arcname


def _staff_actions(user: AbstractBaseUser) -> list[dict]:
    """Where this person is named as the staff member who acted (reviewed,
    marked, issued): the kind of record and its id, nothing of its owner."""
    actions = []
    for reference in actor_references():
        model: type[Model] = apps.get_model(reference.model)
        for pk in model._default_manager.filter(**{reference.field: user}).values_list(
            "pk", flat=True
        ):
            actions.append({"record": reference.model, "id": pk, "as": reference.field})
    return actions


def _write_json(archive: zipfile.ZipFile, name: str, records: list[dict]) -> None:
    archive.writestr(
        name,
        json.dumps(records, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
    )


def _readme(declarations: list[PersonalData]) -> str:
    lines = [
        gettext("Your personal data"),
        "",
        gettext(
            "This archive holds what this site keeps about you, as of %(date)s. "
            "Each JSON file holds one kind of record:"
        )
        % {"date": date_in_words(timezone.localdate())},
        "",
    ]
    lines += [f"{d.name}.json: {d.description}" for d in declarations]
    lines += [
        "staff_actions.json: "
        + gettext(
            "Records of other people on which you acted as staff (reviewed, "
            "marked, issued), by kind and number only."
        ),
        f"{FILES_FOLDER}/: "
        + gettext("The files you uploaded and the certificates issued to you."),
        "",
    ]
    return "\n".join(lines)
