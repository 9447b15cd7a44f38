from django.urls import path

from lms.demo_platform import views

app_name = "demo_platform"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("auth/", views.auth, name="auth"),
    path("certs/", views.certs, name="certs"),
    path("token/", views.token, name="token"),
    path("lineitems/", views.lineitems, name="lineitems"),
    path("lineitems/<str:link>/lineitem/scores", views.scores, name="scores"),
    path("lineitems/<str:link>/lineitem", views.lineitem, name="lineitem"),
    path("memberships/", views.memberships, name="memberships"),
    path("deep-link-return/", views.deep_link_return, name="deep_link_return"),
]
