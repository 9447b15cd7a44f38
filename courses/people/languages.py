"""The language to write to a learner in."""

from django.conf import settings
from wagtail.users.models import UserProfile

from courses.people.models import LearnerProfile


def preferred_language(user, default: str = "") -> str:
    """The language to write to ``user`` in: their choice, else ``default``, else
    the site's default language."""
    try:
        choice = user.learner_profile.preferred_language if user.pk else ""
    except LearnerProfile.DoesNotExist:
        choice = ""
    return choice or default or settings.LANGUAGE_CODE


def remember_language(user, language: str) -> None:
    """Store the language a signed-in learner chose in the switcher."""
    if language not in dict(settings.LANGUAGES):
        return
    LearnerProfile.objects.update_or_create(
        user=user, defaults={"preferred_language": language}
    )


def staff_language(user) -> str:
    """The language to write to a member of staff in: the one they chose for the
    Wagtail admin, else as for anyone."""
    profile = UserProfile.objects.filter(user=user).only("preferred_language").first()
    if profile is not None and profile.preferred_language:
        return profile.preferred_language
    return preferred_language(user)
