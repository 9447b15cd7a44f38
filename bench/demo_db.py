"""The demo programme in a fresh database, for benchmarks."""

import io


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
