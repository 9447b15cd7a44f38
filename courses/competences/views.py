"""My competence profile: what my courses developed, and the evidence."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from courses.competences.profile import learner_profile


@login_required
def competences(request: HttpRequest) -> HttpResponse:
    """My competence profile: what my courses developed, and the evidence."""
    profile = learner_profile(request.user)
    return TemplateResponse(
        request,
        "courses/competences.html",
        {
            "developed": [entry for entry in profile if entry.developed],
            "in_progress": [entry for entry in profile if not entry.developed],
        },
    )
