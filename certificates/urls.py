"""Public certificate URLs, outside the language prefix: the verification URL is
printed on paper and must never change."""

from django.urls import path

from certificates import views
from certificates.openbadges import urls as open_badges_urls
from certificates.pd_record import views as pd_record_views

app_name = "certificates"

urlpatterns = [
    path("certificates/mine/", views.mine, name="mine"),
    path("certificates/<id:pk>/pdf/", views.download, name="download"),
    path("certificates/record/", pd_record_views.record, name="pd_record"),
    path("certificates/record/pdf/", pd_record_views.record_pdf, name="pd_record_pdf"),
    path("certificates/record/csv/", pd_record_views.record_csv, name="pd_record_csv"),
    path(
        "certificates/record/<id:pk>/delete/",
        pd_record_views.delete,
        name="pd_record_delete",
    ),
    path(
        "certificates/record/<id:pk>/file/",
        pd_record_views.external_file,
        name="pd_record_file",
    ),
    path("verify/", views.verify_form, name="verify_form"),
    path("verify/file/", views.verify_file, name="verify_file"),
    path("verify/<str:code>/", views.verify, name="verify"),
    *open_badges_urls.urlpatterns,
]
