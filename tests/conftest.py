import pytest
from django.core.cache import cache
from django.utils import translation


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


@pytest.fixture(autouse=True)
def _wagtail_tree(request):
    """The root page, default locale and site that Wagtail's migrations create, so
    that tests also run with ``--no-migrations``."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    request.getfixturevalue(
        "transactional_db" if marker.kwargs.get("transaction") else "db"
    )
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
