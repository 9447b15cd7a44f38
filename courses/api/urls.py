"""``path("api/v1/", include("courses.api.urls"))`` mounts the JSON API; its
OpenAPI schema is then at ``api/v1/openapi.json``."""

from django.urls import include, path

from courses.api.site import api

_patterns, _app, _namespace = api.urls
urlpatterns = [path("", include((_patterns, _app), namespace=_namespace))]
