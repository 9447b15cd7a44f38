"""Names and Role Provisioning: the platform course's learners, and who of them
has started the linked course here (docs/lti.md, "NRPS").

Only the platform's instructor who launched the link sees it. Which links a user
launched as instructor is not a database fact (the models keep who launched a
link, not in which role): the launch notes it in the session it signs in, and the
page also checks that this user launched that link as the platform's user. A new
launch of the link as a learner takes it off again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.core.cache import cache
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from pylti1p3.roles import AbstractRole, TeacherRole

from courses.catalogue.models import CoursePage
from courses.enrolment.models import Enrolment
from courses.lti.models import LtiGradeLink, LtiIdentity, LtiResourceLink
from courses.lti.services import MEMBERSHIP_SCOPE, access_token, forget_token

NRPS_MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
#: The session's list of resource links (primary keys) launched as instructor.
SESSION_KEY = "lti:teaching"
#: The most links one session remembers: a teacher's courses, with room to spare.
KEPT_LINKS = 50
#: Pages of members fetched at most (a platform pages by 10 to 1,000 or so);
#: past it the page says the list is cut short.
MAX_PAGES = 20
#: How long the platform's answer is reused: reloading the page, or a second
#: instructor of the course, asks the platform nothing for these minutes.
ROSTER_SECONDS = 5 * 60
#: The instructor waits for this page: a platform slower than this is "down".
TIMEOUT = httpx.Timeout(8.0, connect=4.0)
#: Members per database query (SQLite's limit on parameters is far above it).
CHUNK = 500
ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"


class LearnerRole(AbstractRole):
    """A learner of the platform course (full or short role name)."""

    _common_roles = ("Learner",)
    _context_roles = ("Learner",)


class RosterUnavailable(Exception):
    """The platform's member list could not be had; the message says why."""


@dataclass(frozen=True)
class Member:
    user_id: str
    name: str


@dataclass(frozen=True)
class Row:
    name: str
    started: bool
    percent: int
    completed: bool


def note_launch(
    request: HttpRequest, claims: dict[str, Any], grade_link: LtiGradeLink | None
) -> None:
    """After the launch signed its user in: remember in the session whether they
    launched this link as the platform's instructor (or administrator)."""
    if grade_link is None:
        return
    pk = grade_link.resource_link.pk
    links = [kept for kept in request.session.get(SESSION_KEY, []) if kept != pk]
    if TeacherRole(claims).check():
        links = [*links, pk][-KEPT_LINKS:]
    if links or SESSION_KEY in request.session:
        request.session[SESSION_KEY] = links


def _launched_as_instructor(
    request: HttpRequest,
) -> QuerySet[LtiResourceLink] | None:
    """The resource links the signed-in user launched as instructor in this
    session, still theirs on an active registration; None when there are none,
    without a query."""
    if not request.user.is_authenticated:
        return None
    pks = request.session.get(SESSION_KEY)
    if not pks:
        return None
    return (
        LtiResourceLink.objects.filter(
            pk__in=pks,
            deployment__registration__is_active=True,
            grade_links__user=request.user,
            grade_links__identity__issuer=F("deployment__registration__issuer"),
        )
        .select_related("deployment__registration")
        .distinct()
    )


def teaching_links(request: HttpRequest, course_key: Any) -> list[LtiResourceLink]:
    """The links to this course (translation key) the user may see the roster
    of; an empty list, asking nothing, for everyone else."""
    links = _launched_as_instructor(request)
    if links is None:
        return []
    return list(links.filter(course_key=course_key).order_by("title", "pk"))


def _client() -> httpx.Client:
    """No redirects: the bearer token goes to the platform's addresses only."""
    return httpx.Client(
        timeout=TIMEOUT,
        follow_redirects=False,
        headers={"User-Agent": "wagtail-stem-lms LTI"},
    )


def _same_origin(url: str, other: str) -> bool:
    a, b = urlsplit(url), urlsplit(other)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _members_of(page: Any) -> Iterable[Member]:
    members = page.get("members") if isinstance(page, dict) else None
    for member in members if isinstance(members, list) else []:
        if not isinstance(member, dict) or not member.get("user_id"):
            continue
        roles = member.get("roles")
        if member.get("status", "Active") != "Active" or not isinstance(roles, list):
            continue
        if not LearnerRole({ROLES_CLAIM: roles}).check():
            continue
        name = member.get("name") or " ".join(
            str(member.get(part) or "") for part in ("given_name", "family_name")
        )
        yield Member(str(member["user_id"]), str(name).strip())


def fetch_learners(
    link: LtiResourceLink, client: httpx.Client
) -> tuple[list[Member], bool]:
    """The active learners of the link's platform course, following the
    ``Link: rel="next"`` pages up to :data:`MAX_PAGES` and only on the members
    URL's origin; with whether the list is whole. Raises
    :class:`RosterUnavailable`."""
    registration = link.deployment.registration
    unreachable = _(
        "The platform did not answer. Try again in a few minutes; if it keeps "
        "failing, your platform's administrator can check the tool's settings."
    )
    refused = _(
        "The platform did not let this site read its list of participants. Its "
        "administrator can allow it in the tool's settings (in Moodle: Services, "
        "“IMS LTI Names and Role Provisioning”)."
    )
    try:
        token = access_token(client, registration, MEMBERSHIP_SCOPE)
    except httpx.HTTPStatusError as error:
        raise RosterUnavailable(refused) from error
    except RuntimeError as error:
        raise RosterUnavailable(
            _("This site's LTI key is not set up; its administrator can set it.")
        ) from error
    except (
        httpx.HTTPError,
        httpx.InvalidURL,
        KeyError,
        TypeError,
        ValueError,
    ) as error:
        raise RosterUnavailable(unreachable) from error
    learners: dict[str, Member] = {}
    url: str | None = link.memberships_url
    for _page in range(MAX_PAGES):
        try:
            response = client.get(
                url,
                headers={"Authorization": f"Bearer {token}", "Accept": NRPS_MEDIA_TYPE},
            )
            if response.status_code in (401, 403):
                # A token the platform revoked early: the next try asks anew.
                forget_token(registration, MEMBERSHIP_SCOPE)
                raise RosterUnavailable(refused)
            response.raise_for_status()
            page = response.json()
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as error:
            raise RosterUnavailable(unreachable) from error
        for member in _members_of(page):
            learners.setdefault(member.user_id, member)
        url = (response.links.get("next") or {}).get("url")
        if not url:
            return list(learners.values()), True
        if not _same_origin(url, link.memberships_url):
            break
    return list(learners.values()), False


def platform_learners(link: LtiResourceLink) -> tuple[list[Member], bool]:
    """:func:`fetch_learners`, reused for :data:`ROSTER_SECONDS`; a failure is
    not kept, so the next reload tries again."""
    key = f"lti:roster:{link.pk}"
    found = cache.get(key)
    if found is None:
        with _client() as client:
            found = fetch_learners(link, client)
        cache.set(key, found, ROSTER_SECONDS)
    return found


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(values), CHUNK):
        yield values[start : start + CHUNK]


def roster_rows(link: LtiResourceLink, learners: list[Member]) -> list[Row]:
    """Each learner, with whether they are enrolled in the link's course here
    (withdrawn counts as not), their percent and completion; by name."""
    issuer = link.deployment.registration.issuer
    users: dict[str, int] = {}
    for subjects in _chunks([member.user_id for member in learners]):
        users.update(
            LtiIdentity.objects.filter(issuer=issuer, subject__in=subjects).values_list(
                "subject", "user_id"
            )
        )
    progress: dict[int, tuple[int, str]] = {}
    for user_ids in _chunks(list(users.values())):
        for user_id, percent, status in (
            Enrolment.objects.filter(user_id__in=user_ids, course_key=link.course_key)
            .exclude(status=Enrolment.Status.WITHDRAWN)
            .values_list("user_id", "percent", "status")
        ):
            progress[user_id] = (percent, status)
    rows = []
    for member in learners:
        user_id = users.get(member.user_id)
        enrolment = progress.get(user_id) if user_id is not None else None
        completed = enrolment is not None and (
            enrolment[1] == Enrolment.Status.COMPLETED
        )
        rows.append(
            Row(
                name=member.name,
                started=enrolment is not None,
                percent=100 if completed else (enrolment[0] if enrolment else 0),
                completed=completed,
            )
        )
    return sorted(rows, key=lambda row: (row.name.casefold(), row.name))


def _course_of(link: LtiResourceLink) -> CoursePage | None:
    pages = CoursePage.objects.live().filter(translation_key=link.course_key)
    return pages.filter(locale__language_code=get_language()).first() or pages.first()


@require_GET
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    """The "Who has started" page: the link's platform learners and their
    progress here, for the instructor who launched it."""
    links = _launched_as_instructor(request)
    link = links.filter(pk=pk).first() if links is not None else None
    if link is None:
        return render(
            request,
            "courses/lti/roster.html",
            {
                "message": _(
                    "Only the platform's instructor who opened this link sees who "
                    "has started it. Open the link from your course on the platform."
                )
            },
            status=403,
        )
    context: dict[str, Any] = {"link": link, "course": None, "rows": None}
    if link.course_key is None:
        context["message"] = _(
            "This link opens no course here, so there is no progress to show."
        )
    elif not link.memberships_url:
        context["message"] = _(
            "The platform did not share its list of participants with this link. "
            "Its administrator can allow it in the tool's settings (in Moodle: "
            "Services, “IMS LTI Names and Role Provisioning”)."
        )
    else:
        context["course"] = _course_of(link)
        try:
            learners, context["complete"] = platform_learners(link)
        except RosterUnavailable as error:
            context["message"] = str(error)
        else:
            rows = roster_rows(link, learners)
            context["rows"] = rows
            context["started"] = sum(row.started for row in rows)
            context["completed"] = sum(row.completed for row in rows)
    return render(request, "courses/lti/roster.html", context)
