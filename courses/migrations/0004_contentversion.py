import uuid

from django.db import migrations, models


def create_version(apps, schema_editor):
    apps.get_model("courses", "ContentVersion").objects.create(
        pk=1, token=uuid.uuid4().hex
    )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_assessment_sessions_profiles"),
    ]

    operations = [
        migrations.CreateModel(
            name="ContentVersion",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True,
                        primary_key=True,
                        serialize=False,
                        verbose_name="ID",
                    ),
                ),
                ("token", models.CharField(max_length=32)),
            ],
        ),
        migrations.RunPython(create_version, migrations.RunPython.noop),
    ]
