"""Score passback (LTI Assignment and Grade Services): the learner's course
progress, posted to the grade column of the link they launched.

Like webhooks (courses/integrations/), an outbox: the learner's request only
writes a :class:`LtiScorePassback` row in the transaction that changed the
progress; after the commit the task queue runs :func:`send_due`, which gets a
service token from the platform and posts the score, retrying with backoff. A
platform that is down never holds up or undoes the learner's progress."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from django.db import transaction
from django.utils import timezone

from courses.enrolment.models import Enrolment
from courses.integrations.delivery import (
    claim_due,
    http_client,
    record_outcome,
    save_outcomes,
)
from courses.lti.line_items import line_item_url
from courses.lti.models import (
    LtiDeployment,
    LtiGradeLink,
    LtiIdentity,
    LtiRegistration,
    LtiResourceLink,
    LtiScorePassback,
)
from courses.lti.platforms import platforms_in_use
from courses.lti.services import SCORE_SCOPE, access_token, forget_token

if TYPE_CHECKING:
    from courses.progress.outline import CourseOutline

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEPLOYMENT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
RESOURCE_LINK_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
CONTEXT_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/context"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCORE_MEDIA_TYPE = "application/vnd.ims.lis.v1.score+json"
BATCH = 50


def remember_launch(
    registration: LtiRegistration,
    claims: dict[str, Any],
    identity: LtiIdentity,
    course_key: uuid.UUID | None,
    module_key: uuid.UUID | None = None,
) -> LtiGradeLink | None:
    """Keep what a later score needs from this launch: the resource link with its
    grade service addresses (and the course or module it opens), and that this
    platform user (``identity``) launched it. None when the launch carries no resource link (deep
    linking) or no known deployment."""
    link = claims.get(RESOURCE_LINK_CLAIM) or {}
    link_id = link.get("id")
    deployment = LtiDeployment.objects.filter(
        registration=registration, deployment_id=claims.get(DEPLOYMENT_CLAIM)
    ).first()
    if not link_id or deployment is None:
        return None
    ags = claims.get(AGS_CLAIM) or {}
    nrps = claims.get(NRPS_CLAIM) or {}
    defaults = {
        "context_id": str((claims.get(CONTEXT_CLAIM) or {}).get("id") or "")[:255],
        "title": str(link.get("title") or "")[:255],
        "memberships_url": str(nrps.get("context_memberships_url") or "")[:500],
        "course_key": course_key,
        "module_key": module_key,
        "lineitems_url": str(ags.get("lineitems") or "")[:500],
        "scopes": [str(scope) for scope in ags.get("scope") or []],
    }
    if ags.get("lineitem"):
        # A launch without one keeps the line item the worker found or made.
        defaults["lineitem_url"] = str(ags["lineitem"])[:500]
    resource_link, _created = LtiResourceLink.objects.update_or_create(
        deployment=deployment, resource_link_id=str(link_id)[:255], defaults=defaults
    )
    grade_link, _created = LtiGradeLink.objects.update_or_create(
        resource_link=resource_link,
        identity=identity,
        defaults={"user_id": identity.user_id},
    )
    return grade_link


def score_of(enrolment: Enrolment) -> dict[str, Any]:
    """The AGS score for the enrolment's summary (``userId`` added per link)."""
    completed = enrolment.status == Enrolment.Status.COMPLETED
    return score(enrolment.percent, completed)


def score(percent: int, completed: bool) -> dict[str, Any]:
    """The AGS score of a course's or a module's progress."""
    return {
        "scoreGiven": 100 if completed else percent,
        "scoreMaximum": 100,
        "activityProgress": "Completed" if completed else "InProgress",
        "gradingProgress": "FullyGraded" if completed else "Pending",
        "timestamp": timezone.now().isoformat(),
    }


class ModuleScores:
    """The modules' progress in one summary of an enrolment, worked out only for
    the modules a platform links to: percent of the module's lessons done, and
    whether the module is complete (every requirement of it met)."""

    def __init__(
        self,
        outline: CourseOutline,
        done: Collection[uuid.UUID],
        complete: Collection[uuid.UUID],
    ) -> None:
        self.outline = outline
        self.done = done
        self.complete = complete

    def of(self, module_key: uuid.UUID) -> tuple[int, bool] | None:
        """(percent, completed) of the module; None when the learner has done
        none of it (a column the learner has not reached gets no score) or the
        course no longer has it live."""
        for module in self.outline.modules:
            if module.key != module_key:
                continue
            if module_key in self.complete:
                return 100, True
            total = len(module.lesson_keys)
            done = sum(1 for key in module.lesson_keys if key in self.done)
            return ((100 * done) // total, False) if done else None
        return None


def queue_score(
    enrolment: Enrolment,
    *,
    course_changed: bool = True,
    modules: ModuleScores | None = None,
) -> int:
    """Queue the enrolment's current scores (in the caller's transaction) for every
    link its learner launched: the course's percent for links to the course when
    ``course_changed``, a module's progress for links to one of ``modules``.
    Returns how many rows. The same state is queued once per link, so
    recounting the summary repeats nothing. A site with no active registration
    asks the database nothing."""
    if not (course_changed or modules is not None) or not platforms_in_use():
        return 0
    links = (
        LtiGradeLink.objects.filter(
            user_id=enrolment.user_id,
            resource_link__course_key=enrolment.course_key,
            resource_link__deployment__registration__is_active=True,
        )
        # A link with only the line items URL gets its line item when sent.
        .exclude(resource_link__lineitem_url="", resource_link__lineitems_url="")
        .select_related("identity", "resource_link")
    )
    if not course_changed:
        links = links.filter(resource_link__module_key__isnull=False)
    if modules is None:
        links = links.filter(resource_link__module_key__isnull=True)
    now = timezone.now()
    course_score = score_of(enrolment) if course_changed else None
    rows = []
    for link in links:
        module_key = link.resource_link.module_key
        if module_key is None:
            link_score = course_score
        else:
            module_state = modules.of(module_key) if modules is not None else None
            if module_state is None:
                continue
            link_score = score(*module_state)
        state = f"{link_score['scoreGiven']}:{link_score['activityProgress']}"
        rows.append(
            LtiScorePassback(
                grade_link=link,
                event_key=f"lti.score:{link.pk}:{state}",
                payload=link_score | {"userId": link.identity.subject},
                next_attempt_at=now,
            )
        )
    if not rows:
        return 0
    LtiScorePassback.objects.bulk_create(rows, ignore_conflicts=True)
    transaction.on_commit(_queue_sending)
    return len(rows)


def _queue_sending() -> None:
    from courses.lti.tasks import send_scores

    send_scores.enqueue()


def _scores_url(lineitem_url: str) -> str:
    """``{lineitem}/scores``, keeping the line item's query (Moodle puts the
    tool's id there)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def _send(client: httpx.Client, row: LtiScorePassback) -> tuple[bool, int | None, str]:
    """Post one score, to the link's line item (found or made first when the
    launch named none); (delivered, status code, error)."""
    resource_link = row.grade_link.resource_link
    registration = resource_link.deployment.registration
    try:
        lineitem_url = line_item_url(client, resource_link)
        token = access_token(client, registration)
        response = client.post(
            _scores_url(lineitem_url),
            json=row.payload,
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Type": SCORE_MEDIA_TYPE,
            },
        )
    except (httpx.HTTPError, KeyError, ValueError, RuntimeError) as error:
        status = getattr(getattr(error, "response", None), "status_code", None)
        return False, status, str(error) or type(error).__name__
    if response.status_code == 401:
        # A token the platform revoked early: fetch a new one on the retry.
        forget_token(registration, SCORE_SCOPE)
    return response.is_success, response.status_code, response.text[:200]


def send_due(client_factory: Callable[[], httpx.Client] | None = None) -> int:
    """Send every due score, batch after batch; returns how many were tried."""
    tried = 0
    with (client_factory or http_client)() as client:
        while True:
            rows = claim_due(
                LtiScorePassback.objects.select_related(
                    "grade_link__resource_link__deployment__registration"
                ),
                BATCH,
            )
            if not rows:
                return tried
            now = timezone.now()
            # Oldest first: a platform keeps the score it receives last.
            for row in sorted(rows, key=lambda row: row.pk):
                delivered, status_code, error = _send(client, row)
                record_outcome(
                    row, delivered, status_code, "" if delivered else error, now
                )
            save_outcomes(LtiScorePassback, rows, now)
            tried += len(rows)
