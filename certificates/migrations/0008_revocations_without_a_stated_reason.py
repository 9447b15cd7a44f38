from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder

GUESSED_BY = "0003_revocation_category_and_public_note"


def forget_the_guessed_reason(apps, schema_editor):
    # 0003 gave every earlier revocation the public reason "withdrawn", although
    # nobody had stated one; the Latvian page then read it as "the holder dropped
    # out". Revocations made before 0003 ran had no reason to choose, so they go
    # back to none: the public page says only when the certificate was revoked.
    recorder = MigrationRecorder(schema_editor.connection)
    applied = (
        recorder.migration_qs.filter(app="certificates", name=GUESSED_BY)
        .values_list("applied", flat=True)
        .first()
    )
    if applied is None:
        return
    Certificate = apps.get_model("certificates", "Certificate")
    Certificate.objects.filter(
        status="revoked",
        revocation_category="withdrawn",
        revocation_public_note="",
        revoked_at__lt=applied,
    ).update(revocation_category="")


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0007_certificate_issue_and_revoke_permissions"),
    ]

    operations = [
        migrations.RunPython(forget_the_guessed_reason, migrations.RunPython.noop),
    ]
