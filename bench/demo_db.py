"""The demo programme in a fresh database, for benchmarks."""

import io

#: Learners' names with every Latvian diacritic, for certificates and reports.
NAMES = [
    "Jolanta Ūzuliņa",
    "Ģirts Ķēniņš",
    "Līga Šņore",
    "Žanis Čakste",
    "Ēriks Ļaviņš",
]


def setup_empty_database(workdir) -> None:
    """Set Django up on a fresh SQLite database and media folder in ``workdir``
    (a ``pathlib.Path``), with the schema and Wagtail's root page, locale, site
    and collection, and nothing else."""
    import os

    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command

    from tests.conftest import ensure_wagtail_tree

    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)
    ensure_wagtail_tree()


def setup_demo_database() -> None:
    """Set Django up, create the schema and load the demo programme.

    The schema comes straight from the models, as pytest-django's --no-migrations
    makes it: benchmarks measure the product, not migrations.
    """
    import django

    django.setup()
    from django.apps import apps
    from django.conf import settings
    from django.core.management import call_command
    from wagtail.models import Collection, Locale, Page

    settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    Page.add_root(instance=Page(title="Root", slug="root"))
    Collection.add_root(name="Root")
    call_command("seed_demo", stdout=io.StringIO())


def demo_course():
    """The demo programme's Latvian course."""
    from courses.models import CoursePage

    return CoursePage.objects.get(
        slug="stem-competence-approach", locale__language_code="lv"
    )


def add_completed_learners(course, count: int, prefix: str, cohort=None) -> None:
    """``count`` new learners who have completed ``course``, written in bulk."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from courses.models import Enrolment

    now = timezone.now()
    with transaction.atomic():
        users = get_user_model().objects.bulk_create(
            get_user_model()(
                username=f"{prefix}{n}",
                email=f"{prefix}{n}@example.edu",
                first_name=NAMES[n % len(NAMES)].split()[0],
                last_name=NAMES[n % len(NAMES)].split()[1],
            )
            for n in range(count)
        )
        Enrolment.objects.bulk_create(
            Enrolment(
                user=user,
                course=course,
                course_key=course.translation_key,
                cohort=cohort,
                status=Enrolment.Status.COMPLETED,
                completed_at=now,
                hours_earned=course.total_hours,
            )
            for user in users
        )
