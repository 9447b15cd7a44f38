from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from courses.people.languages import remember_language


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembering a signed-in learner's choice so that
    their e-mails come in the same language."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        remember_language(request.user, request.POST.get("language", ""))
    return response
