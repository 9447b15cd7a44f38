"""The language to write to a learner in, and to show them pages outside the
language prefix in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from wagtail.users.models import UserProfile

from courses.people.models import LearnerProfile


def chosen_language(user) -> str:
    """The language ``user`` chose (in the switcher, or by signing in on a page
    in it), or "" if they have not."""
    try:
        return user.learner_profile.preferred_language if user.pk else ""
    except LearnerProfile.DoesNotExist:
        return ""


def preferred_language(user, default: str = "") -> str:
    """The language to write to ``user`` in: their choice, else ``default``, else
    the site's default language."""
    return chosen_language(user) or default or settings.LANGUAGE_CODE


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


def in_chosen_language(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Show a page without a language prefix (the address is printed on paper or
    shared) in the signed-in learner's chosen language.

    Django would pick the language from the cookie or the browser, so a Latvian
    teacher on an English browser got English. The switcher stores the choice, so
    it keeps working on these pages; visitors who are not signed in keep Django's
    choice.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated:
            language = chosen_language(request.user)
            if language in dict(settings.LANGUAGES):
                # Not override(): a TemplateResponse renders after the view returns.
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return view(request, *args, **kwargs)

    return wrapper


@receiver(user_logged_in, dispatch_uid="courses.remember_sign_in_language")
def remember_sign_in_language(sender, request, user, **kwargs) -> None:
    """A learner who has not chosen a language yet chose the one of the page they
    signed in on (``/lv/accounts/login/``): their e-mails and the pages without a
    prefix follow it."""
    if request is None or chosen_language(user):
        return
    # Only a prefixed page is a choice; the admin's sign-in follows the browser.
    language = translation.get_language_from_path(request.path_info)
    if language:
        remember_language(user, language)
