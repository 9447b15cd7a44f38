"""The platform's side of a launch arrives here: login initiation, then the
signed ``id_token``. Both are cross-site requests from the platform, hence no
CSRF token and framing allowed."""

from __future__ import annotations

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.contrib.django import DjangoCacheDataStorage
from pylti1p3.exception import LtiException, OIDCException

from courses.enrolment.enrolling import EnrolmentError
from courses.lti.accounts import identity_for_launch
from courses.lti.cookies import (
    CookieCheckingLogin,
    cookies_blocked_page,
    state_used,
)
from courses.lti.deep_linking import start as start_deep_linking
from courses.lti.enrolling import UnknownCourse, course_of_launch, enrol_from_launch
from courses.lti.keys import public_jwks
from courses.lti.landing import landing_url, launch_language
from courses.lti.models import LtiRegistration
from courses.lti.modules import UnknownModule, module_of_launch
from courses.lti.passback import remember_launch
from courses.lti.roster import note_launch
from courses.lti.tool import MessageLaunch, ToolConfig

#: How long platforms may cache our JWKS: short enough that a rotation is seen
#: the same day, long enough that a burst of launches fetches it once.
JWKS_MAX_AGE = 60 * 60

#: The services the tool asks for: grades (AGS) and the roster (NRPS).
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    """A launch that cannot be trusted changes nothing and says so."""
    return render(request, "courses/lti/error.html", {"message": message}, status=400)


@csrf_exempt
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def login_initiation(request: HttpRequest, registration_uuid: str) -> HttpResponse:
    """OIDC third-party initiated login: send the browser back to the platform
    with a state and a nonce that the launch must carry."""
    params = request.POST if request.method == "POST" else request.GET
    target = params.get("target_link_uri")
    if not target:
        return _refused(request, _("The platform did not say what to open."))
    oidc_login = CookieCheckingLogin(
        request,
        ToolConfig(str(registration_uuid)),
        launch_data_storage=DjangoCacheDataStorage(),
    )
    try:
        return oidc_login.redirect(target)
    except (LtiException, OIDCException):
        return _refused(request, _("This platform is not registered here."))


@csrf_exempt
@xframe_options_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """Validate the ``id_token`` (signature, issuer, audience, nonce, expiry,
    deployment), then sign the platform's user in to their account, enrolled in
    the course the link names and on the lesson they go on with, or on the
    module's page for a module link (their dashboard when it names none); an
    instructor made a tutor lands on their cohort's report. A deep-linking
    launch goes to the teacher's picker."""
    blocked = cookies_blocked_page(request)
    if blocked is not None:
        return blocked
    tool_config = ToolConfig()
    try:
        # Without its session cookie (https) the constructor already refuses.
        message_launch = MessageLaunch(
            request, tool_config, launch_data_storage=DjangoCacheDataStorage()
        )
        message_launch.validate()
    except LtiException:
        return _refused(
            request,
            _(
                "This launch could not be verified. Go back to your course on the "
                "platform and open the link again."
            ),
        )
    state_used(request)
    claims = message_launch.get_launch_data()
    registration = tool_config.registration
    # The course and lesson open in the language the platform is used in.
    language = launch_language(claims)
    if language:
        translation.activate(language)
    if message_launch.is_deep_link_launch():
        # A teacher choosing what a new link opens: signed in, enrolled nowhere.
        return start_deep_linking(request, message_launch, registration)
    try:
        course = course_of_launch(registration, claims)
        module = module_of_launch(claims, course)
    except UnknownModule:
        return _refused(
            request,
            _(
                "The module this link opens is not available here. Ask your "
                "teacher to check the link's settings on the platform."
            ),
        )
    except UnknownCourse:
        return _refused(
            request,
            _(
                "The course this link opens is not available here. Ask your "
                "teacher to check the link's settings on the platform."
            ),
        )
    landing = None
    try:
        # The account and its enrolment are made together or not at all.
        with transaction.atomic():
            identity = identity_for_launch(registration, claims)
            user = identity.user
            if course is not None:
                landing = enrol_from_launch(user, course, registration, claims)
            grade_link = remember_launch(
                registration,
                claims,
                identity,
                course.translation_key if course is not None else None,
                module.translation_key if module is not None else None,
            )
    except EnrolmentError as error:
        return _refused(request, str(error))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    note_launch(request, claims, grade_link)
    if course is None:
        return HttpResponseRedirect(reverse("courses:dashboard"))
    if landing:
        return HttpResponseRedirect(landing)
    if module is not None:
        return HttpResponseRedirect(module.get_url(request))
    return HttpResponseRedirect(landing_url(request, user, course))


@require_GET
@cache_control(public=True, max_age=JWKS_MAX_AGE)
def jwks(request: HttpRequest) -> JsonResponse:
    """Our public keys, which platforms fetch to check what the tool signs."""
    return JsonResponse(public_jwks())


@require_GET
def tool_configuration(request: HttpRequest, registration_uuid: str) -> JsonResponse:
    """The addresses a platform's administrator pastes into the tool's settings
    (Moodle: "Manage tools", docs/lti.md), absolute for this site."""
    registration = get_object_or_404(LtiRegistration, uuid=registration_uuid)
    launch_url = request.build_absolute_uri(reverse("lti:launch"))
    login_url = request.build_absolute_uri(
        reverse("lti:login", args=[registration.uuid])
    )
    return JsonResponse(
        {
            "title": registration.name,
            "lti_version": "1.3.0",
            "target_link_uri": launch_url,
            "oidc_initiation_url": login_url,
            "redirect_uris": [launch_url],
            "public_jwk_url": request.build_absolute_uri(reverse("lti:jwks")),
            "deep_linking_url": launch_url,
            "scopes": SCOPES,
            "claims": ["sub", "iss", "name", "given_name", "family_name", "email"],
        }
    )
