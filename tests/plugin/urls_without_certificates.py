"""The demo's URLs without the certificates app."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls

from courses.people.views import set_language

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("api/v1/", include("courses.api.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]
urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("", include("courses.urls")),
    path("", include(wagtail_urls)),
)
