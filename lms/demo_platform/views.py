"""The demo's stand-in for Moodle: its course page, OIDC auth endpoint, keyset,
token, grade (AGS) and roster (NRPS) services, and deep-linking return. State (the
links and the gradebook) lives in the cache: it is a demo, not a platform."""

from __future__ import annotations

import json
import secrets
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from csp.decorators import csp_exempt
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from lti1p3platform.framework.django.message_launch import DjangoLTI1P3MessageLaunch
from lti1p3platform.framework.django.oidc_login import DjangoAPIOIDCLogin
from lti1p3platform.framework.django.request import DjangoRequest
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.registration import Registration

from courses.lti.keys import public_jwks
from courses.lti.models import LtiDeployment, LtiRegistration

CLIENT_ID = "demo-moodle"
DEPLOYMENT_ID = "1"
CONTEXT = {
    "id": "moodle-course-101",
    "label": "STEM-101",
    "title": "STEM skolotāju tālākizglītība (Moodle)",
}
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
#: The platform's people: (given name, family name, e-mail, role).
PEOPLE = {
    "anna": ("Anna", "Bērziņa", "anna.berzina@moodle.example.edu", LEARNER),
    "peteris": ("Pēteris", "Ozols", "peteris.ozols@moodle.example.edu", LEARNER),
    "janis": ("Jānis", "Kalniņš", "janis.kalnins@moodle.example.edu", INSTRUCTOR),
}
FIRST_LINK = {"id": "link-1", "title": "Kompetenču pieeja STEM speciālistiem"}
FIRST_LINK_CUSTOM = {"course": "stem-competence-approach"}
STATE_SECONDS = 60 * 60 * 24 * 30


def _platform_key() -> tuple[str, str]:
    """The platform's key pair, made on first use beside the tool's keys."""
    path = settings.SIGNING_DIR / "demo-platform-key.pem"
    if not path.is_file():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return path.read_text(), public.decode()


def _issuer(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("demo_platform:home")).rstrip("/")


def _registration(request: HttpRequest) -> LtiRegistration:
    """The tool's registration of this platform, made on the first visit."""
    issuer = _issuer(request)
    registration, created = LtiRegistration.objects.get_or_create(
        issuer=issuer,
        client_id=CLIENT_ID,
        defaults={
            "name": _("Demo Moodle"),
            "auth_login_url": request.build_absolute_uri(reverse("demo_platform:auth")),
            "auth_token_url": request.build_absolute_uri(
                reverse("demo_platform:token")
            ),
            "keyset_url": request.build_absolute_uri(reverse("demo_platform:certs")),
            # Its course is a group here, which its teacher tutors.
            "cohort_per_context": True,
            "instructors_are_staff": True,
        },
    )
    if created:
        LtiDeployment.objects.create(
            registration=registration, deployment_id=DEPLOYMENT_ID
        )
    return registration


class DemoPlatform(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self.data = kwargs

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        private_key, public_key = _platform_key()
        return (
            Registration()
            .set_iss(self.data["issuer"])
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_launch_url(self.data["launch_url"])
            .set_deeplink_launch_url(self.data["launch_url"])
            .set_oidc_login_url(self.data["login_url"])
            .set_platform_private_key(private_key)
            .set_platform_public_key(public_key)
        )


class DemoLogin(DjangoAPIOIDCLogin):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]


def _platform(request: HttpRequest, registration: LtiRegistration) -> DemoPlatform:
    return DemoPlatform(
        issuer=registration.issuer,
        launch_url=request.build_absolute_uri(reverse("lti:launch")),
        login_url=request.build_absolute_uri(
            reverse("lti:login", args=[registration.uuid])
        ),
    )


def _links() -> list[dict[str, Any]]:
    return cache.get("demo-platform:links") or [
        FIRST_LINK | {"custom": FIRST_LINK_CUSTOM}
    ]


def _gradebook() -> dict[str, dict[str, Any]]:
    return cache.get("demo-platform:grades") or {}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The platform's course page: its links to the tool, for each person."""
    _registration(request)
    grades = _gradebook()
    rows = [
        {
            "name": f"{given} {family}",
            "scores": [grades.get(f"{link['id']}:{person}") for link in _links()],
        }
        for person, (given, family, _email, role) in PEOPLE.items()
        if role == LEARNER
    ]
    return render(
        request,
        "demo_platform/home.html",
        {"context": CONTEXT, "links": _links(), "people": PEOPLE, "rows": rows},
    )


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """A person clicks a link (or "add from the tool"): the OIDC login starts."""
    person = request.GET.get("person", "")
    target = request.GET.get("link", "")
    if person not in PEOPLE or not (
        target == "deep-link" or any(link["id"] == target for link in _links())
    ):
        return HttpResponse(_("No such person or link."), status=400)
    registration = _registration(request)
    login = DemoLogin(None, _platform(request, registration))
    login.set_lti_message_hint(hint=f"{person}:{target}")
    return login.initiate_login(person)


@csp_exempt()
@require_GET
def auth(request: HttpRequest) -> HttpResponse:
    """The platform's auth endpoint: the signed launch its browser posts."""
    person, _sep, target = request.GET.get("lti_message_hint", "").partition(":")
    if person not in PEOPLE or request.GET.get("login_hint") != person:
        return HttpResponse(_("This launch was not started here."), status=400)
    registration = _registration(request)
    launch = DjangoLTI1P3MessageLaunch(
        DjangoRequest(request), _platform(request, registration)
    )
    launch._registration = launch._platform_config.get_registration()
    launch.validate_preflight_response(request.GET.dict())
    given, family, email, role = PEOPLE[person]
    launch.set_user_data(
        person, [role], full_name=f"{given} {family}", email_address=email
    )
    launch.set_extra_claims(
        {
            "given_name": given,
            "family_name": family,
            "https://purl.imsglobal.org/spec/lti/claim/context": CONTEXT,
            # Moodle sends its user's language; the tool opens in it.
            "https://purl.imsglobal.org/spec/lti/claim/launch_presentation": {
                "document_target": "window",
                "return_url": _issuer(request) + "/",
                "locale": get_language(),
            },
        }
    )
    launch.set_nrps(request.build_absolute_uri(reverse("demo_platform:memberships")))
    lineitems = request.build_absolute_uri(reverse("demo_platform:lineitems"))
    if target == "deep-link":
        launch.set_dl(
            request.build_absolute_uri(reverse("demo_platform:deep_link_return")),
            title=CONTEXT["title"],
            accept_types={"ltiResourceLink"},
        )
    else:
        link = next(link for link in _links() if link["id"] == target)
        launch.set_resource_link_claim(link["id"], title=link["title"])
        launch.set_custom_parameters_claim(link.get("custom") or {})
        launch.set_ags(
            lineitems,
            request.build_absolute_uri(
                reverse("demo_platform:lineitem", args=[link["id"]])
            ),
        )
    form = launch.generate_launch_request()
    return render(
        request,
        "demo_platform/launch.html",
        {"action": request.GET["redirect_uri"], "form": form},
    )


@require_GET
def certs(request: HttpRequest) -> JsonResponse:
    public_key = _platform_key()[1]
    return JsonResponse(
        {
            "keys": Registration.get_jwks(
                Registration().set_platform_public_key(public_key)
            )
        }
    )


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    """Client credentials: the tool's assertion must verify with its own keyset."""
    assertion = request.POST.get("client_assertion", "")
    try:
        header = jwt.get_unverified_header(assertion)
        key = next(k for k in public_jwks()["keys"] if k["kid"] == header.get("kid"))
        jwt.decode(
            assertion,
            jwt.PyJWK(key).key,
            algorithms=["RS256"],
            audience=request.build_absolute_uri(),
        )
    except (jwt.PyJWTError, StopIteration):
        return JsonResponse({"error": "invalid_client"}, status=401)
    access_token = secrets.token_urlsafe(24)
    cache.set(f"demo-platform:token:{access_token}", True, 3600)
    return JsonResponse(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": 3600}
    )


def _authorised(request: HttpRequest) -> bool:
    header = request.headers.get("Authorization", "")
    return header.startswith("Bearer ") and bool(
        cache.get(f"demo-platform:token:{header.removeprefix('Bearer ')}")
    )


@csrf_exempt
def lineitems(request: HttpRequest) -> JsonResponse:
    """The course's grade columns, one per link."""
    if not _authorised(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    return JsonResponse(
        [
            {
                "id": request.build_absolute_uri(
                    reverse("demo_platform:lineitem", args=[link["id"]])
                ),
                "label": link["title"],
                "scoreMaximum": 100,
                "resourceLinkId": link["id"],
            }
            for link in _links()
        ],
        safe=False,
    )


@csrf_exempt
def lineitem(request: HttpRequest, link: str) -> JsonResponse:
    if not _authorised(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    return JsonResponse({"id": request.build_absolute_uri(), "scoreMaximum": 100})


@csrf_exempt
@require_POST
def scores(request: HttpRequest, link: str) -> HttpResponse:
    """A score for the gradebook: its column is the link, its row the person."""
    if not _authorised(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    try:
        score = json.loads(request.body)
        grade = {
            "given": score["scoreGiven"],
            "maximum": score["scoreMaximum"],
            "progress": score["activityProgress"],
        }
        user = str(score["userId"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "bad score"}, status=400)
    grades = _gradebook()
    grades[f"{link}:{user}"] = grade
    cache.set("demo-platform:grades", grades, STATE_SECONDS)
    return HttpResponse(status=204)


@require_GET
def memberships(request: HttpRequest) -> JsonResponse:
    """The course's roster (NRPS)."""
    if not _authorised(request):
        return JsonResponse({"error": "unauthorised"}, status=401)
    return JsonResponse(
        {
            "id": request.build_absolute_uri(),
            "context": CONTEXT,
            "members": [
                {
                    "status": "Active",
                    "user_id": person,
                    "given_name": given,
                    "family_name": family,
                    "name": f"{given} {family}",
                    "email": email,
                    "roles": [role],
                }
                for person, (given, family, email, role) in PEOPLE.items()
            ],
        },
        content_type="application/vnd.ims.lti-nrps.v2.membershipcontainer+json",
    )


@csrf_exempt
@require_POST
def deep_link_return(request: HttpRequest) -> HttpResponse:
    """The teacher's pick comes back signed by the tool: it becomes a link."""
    message = request.POST.get("JWT", "")
    try:
        header = jwt.get_unverified_header(message)
        key = next(k for k in public_jwks()["keys"] if k["kid"] == header.get("kid"))
        claims = jwt.decode(
            message,
            jwt.PyJWK(key).key,
            algorithms=["RS256"],
            audience=_issuer(request),
        )
    except (jwt.PyJWTError, StopIteration):
        return HttpResponse(_("The tool's answer could not be verified."), status=400)
    items = claims.get("https://purl.imsglobal.org/spec/lti-dl/claim/content_items")
    links = _links()
    for item in items or []:
        if item.get("type") == "ltiResourceLink":
            links.append(
                {
                    "id": f"link-{len(links) + 1}",
                    "title": item.get("title") or _("Untitled link"),
                    "custom": item.get("custom") or {},
                }
            )
    cache.set("demo-platform:links", links, STATE_SECONDS)
    return redirect("demo_platform:home")
