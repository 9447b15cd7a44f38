"""The site's URLs with the demo's stand-in for Moodle, as ``make demo`` (DEBUG)
serves them."""

from django.urls import include, path

from lms.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("demo-platform/", include("lms.demo_platform.urls")),
    *site_urlpatterns,
]
