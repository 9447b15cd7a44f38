"""Public certificate URLs, outside the language prefix: the verification URL is
printed on paper and must never change."""

from django.urls import path

from certificates import views
from certificates.openbadges import urls as open_badges_urls

app_name = "certificates"

urlpatterns = [
    path("certificates/mine/", views.mine, name="mine"),
    path("certificates/<id:pk>/pdf/", views.download, name="download"),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/file/", views.verify_file, name="verify_file"),
    path("verify/<str:code>/", views.verify, name="verify"),
    *open_badges_urls.urlpatterns,
]
