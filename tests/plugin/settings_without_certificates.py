"""The demo site without the certificates app: courses must stand alone."""

from lms.settings import *  # noqa: F403

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "certificates"]  # noqa: F405
ROOT_URLCONF = "tests.plugin.urls_without_certificates"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
