"""A learner downloads their own data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest
from django.views.decorators.http import require_GET

from courses.privacy.export import zip_response
from courses.privacy.models import PrivacyLog


@require_GET
@login_required
def download_my_data(request: HttpRequest) -> FileResponse:
    """Everything the site keeps about the signed-in person, as a ZIP. Only ever
    their own: the view takes no user id."""
    return zip_response(request.user, PrivacyLog.Channel.SELF, request.user)
