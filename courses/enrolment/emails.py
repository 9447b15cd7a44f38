"""The e-mail that tells a learner the course team enrolled them, in the
learner's language, with a link to choose a password when the account is new."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import mail
from django.template.loader import render_to_string
from django.utils import translation

from courses.models import Cohort, CoursePage
from courses.people.accounts import login_path, password_reset_path, set_password_path
from courses.people.languages import preferred_language
from courses.site import base_url, page_url, site_name

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)


def send_enrolment_emails(
    course: CoursePage,
    learners: list[tuple[AbstractBaseUser, Cohort | None]],
) -> int:
    """E-mail each learner that they are enrolled; returns how many were sent.

    Learners without a usable password get a link to choose one. Written in the
    language the learner chose on the site, else the course's language. A failed
    message is logged and does not stop the others.
    """
    sent = 0
    connection = mail.get_connection()
    for user, cohort in learners:
        language = preferred_language(user, default=course.locale.language_code)
        with translation.override(language):
            message = enrolment_email(course, user, cohort)
        message.connection = connection
        try:
            sent += message.send()
        except OSError:
            logger.exception("Enrolment e-mail to user %s failed", user.pk)
    return sent


def enrolment_email(
    course: CoursePage,
    user: AbstractBaseUser,
    cohort: Cohort | None,
) -> mail.EmailMessage:
    """The enrolment notice for one learner, in the active language."""
    address = base_url()
    set_password_url = ""
    if not user.has_usable_password():
        set_password_url = address + set_password_path(user)
    context = {
        "user": user,
        "course": course,
        "cohort": cohort,
        "course_url": page_url(course) if course.live else "",
        "set_password_url": set_password_url,
        "password_reset_url": address + password_reset_path(),
        "login_url": address + login_path(),
        "link_days": max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60)),
        "site_name": site_name(),
    }
    subject = render_to_string("courses/emails/enrolled_subject.txt", context)
    body = render_to_string("courses/emails/enrolled_body.txt", context)
    return mail.EmailMessage(
        subject=" ".join(subject.split()), body=body, to=[user.email]
    )
