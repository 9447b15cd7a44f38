"""Deep linking (LTI Deep Linking 2.0): a teacher adding our tool to a course on
the platform picks one of our courses, or one of its modules, and the platform
receives a signed ``ltiResourceLink`` whose custom parameters name it, with a
line item so that the platform makes its grade column.

The launch view hands a validated ``LtiDeepLinkingRequest`` to :func:`start`,
which signs the teacher in (not enrolled) and sends them to the picker. The
launch's claims stay in the cache under pylti1p3's launch id; the picker reads
them back from there, for the signed-in user the launch named only."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any
from urllib.parse import urlsplit

import jwt
from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods
from pylti1p3.contrib.django import DjangoCacheDataStorage
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.lineitem import LineItem
from pylti1p3.roles import AbstractRole, DesignerRole, TeacherRole

from courses.catalogue.models import CoursePage, ModulePage
from courses.lti.accounts import account_for_launch
from courses.lti.keys import ToolKey, current_tool_key
from courses.lti.models import LtiIdentity, LtiRegistration
from courses.lti.tool import MessageLaunch, ToolConfig

SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
DATA_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/data"


class _AdministratorRole(AbstractRole):
    """The platform's or institution's administrators (pylti1p3's teacher role
    has only the course's)."""

    _system_roles = ("Administrator", "SysAdmin")
    _institution_roles = ("Administrator",)


def may_link(claims: dict[str, Any]) -> bool:
    """Whether the launch's user adds content to the platform's course: an
    instructor, administrator or content developer; a learner never does."""
    return any(
        role(claims).check() for role in (TeacherRole, DesignerRole, _AdministratorRole)
    )


def _refused(
    request: HttpRequest, message: str, status: int, claims: dict[str, Any] | None
) -> HttpResponse:
    response = render(
        request,
        "courses/lti/error.html",
        {"heading": _("The link could not be added"), "message": message},
        status=status,
    )
    return _framed_by_platform(response, claims)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _return_url(claims: dict[str, Any]) -> str | None:
    settings_claim = claims.get(SETTINGS_CLAIM) or {}
    url = str(settings_claim.get("deep_link_return_url") or "")
    return url if _origin(url) else None


def _framed_by_platform(
    response: HttpResponse, claims: dict[str, Any] | None, posts_to: str | None = None
) -> HttpResponse:
    """Let the platform that launched (any registered one when the launch is
    gone) show the page in its frame, and the page's form post to ``posts_to``:
    our policy allows only our own site otherwise."""
    policy = {}
    if claims is not None:
        urls = [str(claims.get("iss") or ""), _return_url(claims) or ""]
    else:
        urls = list(
            LtiRegistration.objects.filter(is_active=True).values_list(
                "issuer", flat=True
            )
        )
    origins = {_origin(url) for url in urls} - {None}
    if origins:
        policy["frame-ancestors"] = sorted(origins)
    if posts_to is not None:
        policy["form-action"] = [posts_to]
    if policy:
        response._csp_update = policy
    return response


def start(
    request: HttpRequest, message_launch: MessageLaunch, registration: LtiRegistration
) -> HttpResponse:
    """Sign the teacher of a validated deep-linking launch in (made an account on
    the first launch, enrolled nowhere) and send them to the picker. A learner's
    launch, or a site without a tool key to sign the answer, changes nothing."""
    claims = message_launch.get_launch_data()
    if not may_link(claims):
        return _refused(
            request,
            _(
                "Only the course's teachers choose what a link opens. Ask your "
                "teacher to add the course."
            ),
            403,
            claims,
        )
    if current_tool_key() is None or _return_url(claims) is None:
        return _refused(request, _not_set_up(), 503, claims)
    with transaction.atomic():
        user = account_for_launch(registration, claims)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(
        reverse("lti:deep_link", args=[message_launch.get_launch_id()])
    )


def _restored(request: HttpRequest, launch_id: str) -> MessageLaunch | None:
    """The deep-linking launch kept under ``launch_id``, or None once it has
    expired (or never was)."""
    try:
        message_launch = MessageLaunch.from_cache(
            launch_id,
            request,
            ToolConfig(),
            launch_data_storage=DjangoCacheDataStorage(),
        )
    except LtiException:
        return None
    if not message_launch.is_deep_link_launch():
        return None
    return message_launch


def _catalogue() -> list[CoursePage]:
    """Every live course once, in the user's language when translated, in the
    catalogue's order, each with its live modules (``picker_modules``)."""
    language = get_language()
    chosen: dict[uuid.UUID, CoursePage] = {}
    for course in CoursePage.objects.live().select_related("locale").order_by("path"):
        current = chosen.get(course.translation_key)
        if current is None or (
            course.locale.language_code == language
            and current.locale.language_code != language
        ):
            chosen[course.translation_key] = course
    modules: dict[str, list[ModulePage]] = defaultdict(list)
    for module in ModulePage.objects.live().order_by("path"):
        modules[module.path[: -ModulePage.steplen]].append(module)
    courses = list(chosen.values())
    for course in courses:
        course.picker_modules = modules[course.path]
    return courses


def _chosen(data: dict[str, Any]) -> tuple[CoursePage, ModulePage | None] | None:
    """The live course (and module of it) the picker's form names, or None."""
    try:
        course_id = int(data.get("course") or "")
        module_id = int(data["module"]) if data.get("module") else None
    except ValueError:
        return None
    course = CoursePage.objects.live().filter(pk=course_id).first()
    if course is None:
        return None
    if module_id is None:
        return course, None
    module = ModulePage.objects.live().child_of(course).filter(pk=module_id).first()
    return (course, module) if module is not None else None


def _signed_response(
    request: HttpRequest,
    message_launch: MessageLaunch,
    key: ToolKey,
    course: CoursePage,
    module: ModulePage | None,
) -> str:
    """The deep-linking response JWT: one ``ltiResourceLink`` opening the course
    (or module) through our launch URL, signed by the tool key."""
    title = (module or course).title
    custom = {"course": course.slug}
    if module is not None:
        custom["module"] = module.slug
    resource = (
        DeepLinkResource()
        .set_type("ltiResourceLink")
        .set_title(title)
        .set_url(request.build_absolute_uri(reverse("lti:launch")))
        .set_custom_params(custom)
    )
    settings_claim = message_launch.get_launch_data()[SETTINGS_CLAIM]
    # A platform that makes no grade columns from deep linking says so.
    if settings_claim.get("accept_lineitem", True) is not False:
        resource.set_lineitem(
            LineItem()
            .set_score_maximum(100)
            .set_label(title)
            .set_tag("module" if module is not None else "course")
        )
    message = message_launch.get_deep_link().get_message_jwt([resource])
    if message.get(DATA_CLAIM) is None:
        # Returned only when the request carried it (LTI Deep Linking 2.0).
        message.pop(DATA_CLAIM, None)
    return jwt.encode(
        message, key.private_pem, algorithm="RS256", headers={"kid": key.kid}
    )


@never_cache
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def picker(request: HttpRequest, launch_id: str) -> HttpResponse:
    """The teacher's choice of a course or module (GET), and the page that posts
    the signed answer back to the platform (POST, CSRF-protected: the form is
    ours, in the platform's frame)."""
    message_launch = _restored(request, launch_id)
    if message_launch is None:
        return _refused(
            request,
            _(
                "This choice has expired. Go back to your course on the platform "
                "and add the link again."
            ),
            400,
            None,
        )
    claims = message_launch.get_launch_data()
    if not (
        request.user.is_authenticated
        and may_link(claims)
        and LtiIdentity.objects.filter(
            issuer=claims["iss"], subject=claims["sub"], user=request.user
        ).exists()
    ):
        return _refused(
            request,
            _(
                "This choice belongs to another user. Go back to your course on "
                "the platform and add the link again."
            ),
            403,
            claims,
        )
    if request.method == "GET":
        response = render(
            request,
            "courses/lti/deep_link.html",
            {"courses": _catalogue()},
        )
        return _framed_by_platform(response, claims)
    chosen = _chosen(request.POST)
    if chosen is None:
        return _refused(
            request,
            _("The course you chose is not available here. Choose another one."),
            404,
            claims,
        )
    course, module = chosen
    return_url = _return_url(claims)
    key = current_tool_key()
    if return_url is None or key is None:
        return _refused(request, _not_set_up(), 503, claims)
    response = render(
        request,
        "courses/lti/deep_link_return.html",
        {
            "return_url": return_url,
            "jwt": _signed_response(request, message_launch, key, course, module),
            "title": (module or course).title,
        },
    )
    return _framed_by_platform(response, claims, posts_to=_origin(return_url))


def _not_set_up() -> str:
    return _(
        "Courses cannot be linked from this site yet. Ask the site's "
        "administrator to finish setting up the platform link."
    )
