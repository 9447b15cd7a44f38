"""Accounts created before sign-up existed were made by staff, a CSV import or the
demo, and signed in without confirming their address; they keep doing so."""

from django.conf import settings
from django.db import migrations


def confirm_existing(apps, schema_editor):
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    EmailAddress = apps.get_model("account", "EmailAddress")
    known = set(EmailAddress.objects.values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(
                user_id=user_id, email=email.lower(), verified=True, primary=True
            )
            for user_id, email in User.objects.exclude(email="").values_list(
                "pk", "email"
            )
            if user_id not in known
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0009_emailaddress_unique_primary_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(confirm_existing, migrations.RunPython.noop)]
