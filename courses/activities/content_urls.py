"""The content origin's whole URLconf (``ContentOriginMiddleware`` gives it to
every request for that host): a package's files, the player and the runtime it
reports to. None of the site's pages is reachable there, and none of these on the
site's host."""

from django.urls import path

from courses.activities import content, runtime

# The site's error pages link to the site, whose URLs this origin has not.
handler404 = content.not_found
handler500 = content.server_error

urlpatterns = [
    path("p/<str:token>/<path:path>", content.package_file, name="activity_file"),
    path("play/<str:token>/", content.player, name="activity_player"),
    path("runtime/<str:token>/", runtime.runtime_view, name="activity_runtime"),
    path("runtime/<str:token>/xapi/", runtime.xapi_view, name="activity_xapi"),
]
