"""The permission matrix's LTI platforms: a registration with a launched link,
a learner's grade link and a queued score, and a spare registration to delete."""

from __future__ import annotations

from courses.lti.models import (
    LtiDeployment,
    LtiGradeLink,
    LtiIdentity,
    LtiRegistration,
    LtiResourceLink,
    LtiScorePassback,
)


def add_lti_platforms(learner, course, now) -> None:
    """A platform whose link the learner launched, with a failed score, and a
    spare one that nobody launched (which may be deleted)."""
    registration = LtiRegistration.objects.create(
        name="LU Moodle",
        issuer="https://estudijas.lu.lv",
        client_id="tool-1",
        auth_login_url="https://estudijas.lu.lv/mod/lti/auth.php",
        auth_token_url="https://estudijas.lu.lv/mod/lti/token.php",
        keyset_url="https://estudijas.lu.lv/mod/lti/certs.php",
    )
    link = LtiResourceLink.objects.create(
        deployment=LtiDeployment.objects.create(
            registration=registration, deployment_id="1"
        ),
        resource_link_id="rl-1",
        course_key=course.translation_key,
        lineitem_url="https://estudijas.lu.lv/mod/lti/services.php/2/lineitems/5",
    )
    identity = LtiIdentity.objects.create(
        issuer=registration.issuer, subject="7", user=learner
    )
    LtiScorePassback.objects.create(
        grade_link=LtiGradeLink.objects.create(
            resource_link=link, identity=identity, user=learner
        ),
        event_key="lti.score:1:50:InProgress",
        payload={"scoreGiven": 50, "scoreMaximum": 100, "userId": "7"},
        status="failed",
        next_attempt_at=now,
    )
    LtiRegistration.objects.create(
        name="Spare Moodle",
        issuer="https://spare.example.lv",
        client_id="tool-2",
        auth_login_url="https://spare.example.lv/auth",
        auth_token_url="https://spare.example.lv/token",
        keyset_url="https://spare.example.lv/certs",
    )
