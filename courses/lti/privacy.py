"""The personal data LTI launches leave: who the person is on each platform, and
which links they launched (with the scores queued for them)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from courses.privacy.registry import (
    Erasure,
    PersonalData,
    Strategy,
    register_personal_data,
)


def declare() -> None:
    """Register LTI's personal data (called from the app's ``ready()``)."""
    register_personal_data(
        PersonalData(
            model="courses.LtiIdentity",
            name="lti_identities",
            description=_(
                "The learning platforms (such as your university's Moodle) you "
                "came here from, and your user ID on each."
            ),
            user_path="user",
            fields=("issuer", "subject", "registration__name", "created_at"),
            # Once erased, a launch from the platform makes a new, empty account.
            erasure=Erasure(Strategy.DELETE),
        )
    )
    register_personal_data(
        PersonalData(
            model="courses.LtiGradeLink",
            name="lti_grade_links",
            description=_(
                "The links on those platforms you opened courses from; your "
                "progress is sent to their gradebooks."
            ),
            user_path="user",
            fields=(
                "resource_link__deployment__registration__name",
                "resource_link__title",
                "launched_at",
            ),
            # The scores queued for them go too (they cascade).
            erasure=Erasure(Strategy.DELETE),
        )
    )
    register_personal_data(
        PersonalData(
            model="courses.LtiScorePassback",
            name="lti_scores",
            description=_("The scores sent to those gradebooks, and when."),
            user_path="grade_link__user",
            fields=("payload", "status", "created_at", "delivered_at"),
            erasure=Erasure(Strategy.DELETE),
        )
    )
