"""Open Badges URLs, included in ``certificates.urls`` (outside the language
prefix): the issuer's profile, keys and revocation list are written into every
credential, so they must never change."""

from django.urls import path

from certificates.openbadges import views

urlpatterns = [
    path("credentials/issuer.json", views.issuer, name="open_badges_issuer"),
    path("credentials/jwks.json", views.jwks, name="open_badges_jwks"),
    path(
        "credentials/status/revocation",
        views.revocation_list,
        name="open_badges_status",
    ),
    path(
        "certificates/<id:pk>/open-badge/",
        views.download,
        name="open_badge_download",
    ),
]
