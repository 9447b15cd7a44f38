from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import translation

#: The fixtures built on ``shared_data``, in the order their tests run: first, so
#: that the longest (the fuzz, on the world) start early on each process.
SHARED_DATA = ("world", "demo")


@pytest.fixture(scope="session")
def issuer_pair() -> tuple[str, str]:
    """The issuer's signing key and certificate (PEM) for the whole run."""
    from certificates.signing import generate_pair

    key, certificate = generate_pair("Test issuer", "Test University")
    return key.decode(), certificate.decode()


@pytest.fixture(autouse=True)
def _isolated(request, settings, tmp_path, issuer_pair):
    """Each test gets its own media folder, an empty cache and inline tasks; tests
    marked ``real_tasks`` keep the configured backend (e.g. RQ). Certificates are
    signed, as on a configured site."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LMS_SIGNING_KEY, settings.LMS_SIGNING_CERTIFICATE = issuer_pair
    # Frozen certificate images live in the media folder, which is new each test.
    from certificates import snapshot
    from courses.catalogue import content_cache

    snapshot._frozen_images.clear()
    if request.node.get_closest_marker("real_tasks") is None:
        settings.TASKS = {
            "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()
    content_cache.forget_local_copies()
    # Functions called directly speak English in tests unless a test says otherwise;
    # requests still get the language of their URL prefix.
    with translation.override("en"):
        yield
    cache.clear()
    content_cache.forget_local_copies()


def ensure_wagtail_tree() -> None:
    """The root page, default locale and site that Wagtail's migrations create, so
    that tests also run with ``--no-migrations``."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection, Locale, Page, Site

    # A transactional test before this one may have recreated the content types
    # with new ids; the cache would still hand out the old ones.
    ContentType.objects.clear_cache()

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Page.objects.filter(depth=1).exists():
        root = Page.add_root(title="Root", slug="root", locale=locale)
        home = root.add_child(title="Welcome", slug="home", locale=locale)
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")


@pytest.fixture(autouse=True)
def _wagtail_tree(request):
    """Every test marked ``django_db`` starts from Wagtail's tree."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue(
        "transactional_db" if marker.kwargs.get("transaction") else "db"
    )
    ensure_wagtail_tree()


class SharedData:
    """Data that many tests only read, built once per test process.

    It is built in a transaction that stays open while the tests that read it
    run, each in a savepoint rolled back after it (the ``db`` fixture's
    transaction, nested in this one), and that is rolled back before any other
    test runs, so no other test sees it. pytest-django keeps Django's
    ``TestCase`` from closing the connection so that tests can be wrapped in
    such higher-scoped transactions.
    """

    def __init__(self) -> None:
        self._name: str | None = None
        self._value: Any = None
        self._atomic: transaction.Atomic | None = None
        self._blocker: Any = None

    def get(self, name: str, build: Callable[[], Any], django_db_blocker) -> Any:
        """The data called ``name``: built by ``build()`` unless it is open."""
        if self._name == name:
            return self._value
        self.close()
        with django_db_blocker.unblock():
            atomic = transaction.atomic()
            atomic.__enter__()
            try:
                ensure_wagtail_tree()
                value = build()
            except BaseException:
                atomic.__exit__(*sys.exc_info())
                raise
        self._name, self._value, self._atomic = name, value, atomic
        self._blocker = django_db_blocker
        return value

    def close(self) -> None:
        """Roll the open data back, if there is any."""
        if self._atomic is None:
            return
        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self._name = self._value = self._atomic = None


_shared = SharedData()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests that read one kind of shared data run together, before the
    others (in the order pytest-django left them), so that each process builds it
    once."""

    def group(item: pytest.Item) -> int:
        names = getattr(item, "fixturenames", ())
        if "shared_data" not in names:
            return len(SHARED_DATA) + 1
        for position, name in enumerate(SHARED_DATA):
            if name in names:
                return position
        return len(SHARED_DATA)

    items.sort(key=group)
    for item in items:
        if "shared_data" in getattr(item, "fixturenames", ()):
            # These tests ask for ``db`` only once the shared data is open; named
            # here (last, so it is still set up after it), pytest-django knows
            # to create the test database even if they are all that runs.
            item.fixturenames.append("db")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Any other test finds the database as it would without shared data."""
    if "shared_data" not in getattr(item, "fixturenames", ()):
        _shared.close()


@pytest.fixture(scope="session")
def _shared_data_session(django_db_setup, tmp_path_factory):
    """The shared data's media folder; rolls the data back before the test
    database is destroyed."""
    yield tmp_path_factory.mktemp("shared-media")
    _shared.close()


@pytest.fixture
def shared_data(request, settings, django_db_blocker, _shared_data_session):
    """``shared_data(name, build)`` returns what ``build()`` makes, built once per
    process and read by each test in a transaction rolled back after it, like
    the ``db`` fixture's. Its files stay in one media folder for the run."""

    def use(name: str, build: Callable[[], Any]) -> Any:
        if request.node.get_closest_marker("django_db"):
            raise pytest.UsageError(
                f"{request.node.nodeid} reads {name!r}, which brings its own "
                "database: it must not be marked django_db (that transaction "
                "would start first)."
            )
        settings.MEDIA_ROOT = _shared_data_session / name
        value = _shared.get(name, build, django_db_blocker)
        request.getfixturevalue("db")
        return value

    return use


@pytest.fixture
def demo(shared_data) -> None:
    """The demo programme as ``manage.py seed_demo`` makes it."""
    from io import StringIO

    from django.core.management import call_command

    shared_data("demo", lambda: call_command("seed_demo", stdout=StringIO()))


@pytest.fixture
def course_staff():
    """``course_staff(course)``: a programme administrator whose courses the
    site narrows to ``course`` (any language version) with the
    ``lms_filter_courses_for_user`` hook, as a faculty would: staff of one
    course's enrolment and certificates, and of no other."""
    from wagtail import hooks

    from courses.permissions import FILTER_COURSES_HOOK
    from tests.factories import make_programme_admin

    given: dict[int, object] = {}

    def narrow(user, courses):
        course = given.get(user.pk)
        if course is None:
            return courses
        return courses.filter(translation_key=course.translation_key)

    def make(course, **kwargs):
        user = make_programme_admin(**kwargs)
        given[user.pk] = course
        return user

    with hooks.register_temporarily(FILTER_COURSES_HOOK, narrow):
        yield make
