import importlib.util

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from courses.people.views import set_language

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", include("courses.api.urls")),
    # LTI: the URLs a platform's administrator registers, so no language prefix.
    path("lti/", include("courses.lti.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    # Certificates: verification URLs are printed on paper, so no language prefix.
    path("", include("certificates.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

if settings.DEBUG and importlib.util.find_spec("lti1p3platform"):
    # The demo's stand-in for Moodle (docs/lti.md), with the development packages.
    urlpatterns.append(path("demo-platform/", include("lms.demo_platform.urls")))

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("courses.urls")),
    path("", include(wagtail_urls)),
)
