"""The API itself: session authentication with CSRF, readable errors, and the
features' routers (see :mod:`courses.api`)."""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from courses.api import registered_routers
from courses.api.auth import BrowserSessionAuth
from courses.assignments.api import router as assignments
from courses.catalogue.api import router as catalogue
from courses.competences.api import router as competences
from courses.conf import lms_setting
from courses.enrolment.api import router as enrolment
from courses.live_sessions.api import router as live_sessions
from courses.progress.api import router as progress
from courses.quizzes.api import router as quizzes
from courses.staff_api.api import router as staff


def docs_if_enabled(view: Callable) -> Callable:
    """The OpenAPI schema and its docs page answer only where ``LMS_API_DOCS`` is
    on (by default, where DEBUG is): a production site does not list its
    operations to every visitor unless it chooses to."""

    @wraps(view)
    def docs(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        enabled = lms_setting("LMS_API_DOCS")
        if not (settings.DEBUG if enabled is None else enabled):
            raise Http404
        return view(request, *args, **kwargs)

    return docs


api = NinjaAPI(
    title="STEM LMS API",
    version="1.0.0",
    description="Courses, enrolments and progress for university systems and apps.",
    urls_namespace="api-v1",
    auth=BrowserSessionAuth(),
    docs_decorator=docs_if_enabled,
)


@api.exception_handler(ValidationError)
def bad_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Bad input is a 400 with a readable message, not pydantic's 422."""
    messages = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        messages.append(f"{where}: {error.get('msg')}" if where else error.get("msg"))
    return api.create_response(
        request,
        {"detail": _("Invalid request."), "errors": messages},
        status=400,
    )


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("The request body is too large.")}, status=400
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(request, {"detail": _("Sign in first.")}, status=401)


for router in (
    catalogue,
    enrolment,
    progress,
    competences,
    live_sessions,
    *registered_routers(),
    quizzes,
    assignments,
    staff,
):
    api.add_router("/", router)
