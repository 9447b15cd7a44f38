from django.contrib.auth.decorators import login_required
from django.template.response import TemplateResponse
from django.urls import path

from lms.urls import urlpatterns as site_urlpatterns


@login_required
def floor(request):
    """The least a page can cost: the site's base template for a signed-in user."""
    return TemplateResponse(request, "base.html", {})


urlpatterns = [path("bench/floor/", floor), *site_urlpatterns]
