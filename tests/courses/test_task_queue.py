"""The task queue's health on the admin home page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from courses.task_queue.health import queue_health
from courses.tasks import refresh_course_summaries
from tests.factories import in_english_admin, make_course, make_course_editor, make_user

pytestmark = pytest.mark.django_db

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE


@pytest.fixture
def admin(client):
    user = in_english_admin(make_user(is_staff=True, is_superuser=True))
    client.force_login(user)
    return user


def enqueue(age: timedelta = timedelta(0)) -> None:
    refresh_course_summaries.enqueue("00000000-0000-0000-0000-000000000000")
    DBTaskResult.objects.filter(
        pk=DBTaskResult.objects.order_by("-enqueued_at").values("pk")[:1]
    ).update(enqueued_at=timezone.now() - age)


def test_waiting_tasks_and_the_oldest_age_are_shown(client, admin, database_queue):
    """Two waiting tasks, the oldest a minute old: counts, age, no warning."""
    enqueue(timedelta(minutes=1))
    enqueue()
    html = client.get("/admin/").content.decode()
    assert "Background tasks" in html
    assert "<dt>Waiting</dt><dd>2</dd>" in html
    assert "<dd>1\xa0minute ago</dd>" in html
    assert "no worker is running" not in html


def test_tasks_waiting_over_two_minutes_warn_that_no_worker_runs(
    client, admin, database_queue
):
    """A task older than two minutes: "no worker is running — start
    manage.py db_worker"."""
    enqueue(timedelta(minutes=3))
    html = client.get("/admin/").content.decode()
    assert (
        "Tasks have waited more than 2 minutes: no worker is running — start "
        "<code>manage.py db_worker</code>."
    ) in html


def test_failures_are_listed_with_their_error(client, admin, database_queue):
    """A failed task is shown with the exception's own line."""
    enqueue()
    DBTaskResult.objects.update(
        status="FAILED",
        finished_at=timezone.now(),
        exception_class_path="builtins.ValueError",
        traceback="Traceback (most recent call last):\n  ...\nValueError: no template",
    )
    health = queue_health()
    assert (health.waiting, health.failures_total) == (0, 1)
    html = client.get("/admin/").content.decode()
    assert "refresh_course_summaries" in html
    assert "<code>ValueError: no template</code>" in html


def test_authors_do_not_see_the_queue(client, database_queue):
    """A course author's home page has no queue panel (errors may quote learners)."""
    author = in_english_admin(make_course_editor(make_course()))
    client.force_login(author)
    enqueue(timedelta(minutes=3))
    assert "Background tasks" not in client.get("/admin/").content.decode()


def test_no_panel_when_tasks_run_inline(client, admin):
    """With tasks run at once there is no queue to watch."""
    assert queue_health() is None
    assert "Background tasks" not in client.get("/admin/").content.decode()
