"""The language to write to a learner in."""

from django.conf import settings

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
