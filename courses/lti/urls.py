"""LTI 1.3 endpoints the platform's administrator registers (docs/lti.md)."""

from django.urls import path

from courses.lti import deep_linking, roster, views

app_name = "lti"

urlpatterns = [
    path(
        "<uuid:registration_uuid>/login/",
        views.login_initiation,
        name="login",
    ),
    path("launch/", views.launch, name="launch"),
    path("jwks/", views.jwks, name="jwks"),
    path("deep-link/<slug:launch_id>/", deep_linking.picker, name="deep_link"),
    path(
        "<uuid:registration_uuid>/config.json",
        views.tool_configuration,
        name="config",
    ),
    path("links/<id:pk>/roster/", roster.roster, name="roster"),
]
