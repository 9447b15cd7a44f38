"""What staff may do with certificates, as capabilities of
:mod:`courses.permissions` (held through the permission, for every course)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from courses.models import CoursePage
from courses.permissions import Capability, courses_for, register_staff_capability

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet

#: Issue a certificate by hand or in bulk; download the course's PDFs.
ISSUE_CERTIFICATE = Capability("certificates.issue_certificate")
#: Revoke a certificate or re-issue it corrected.
REVOKE_CERTIFICATE = Capability("certificates.revoke_certificate")

register_staff_capability(ISSUE_CERTIFICATE)
register_staff_capability(REVOKE_CERTIFICATE)


def certificate_courses(user: AbstractBaseUser) -> QuerySet[CoursePage]:
    """Courses whose certificates ``user`` may list: those they may issue or
    revoke the certificates of."""
    return CoursePage.objects.filter(
        Q(pk__in=courses_for(user, ISSUE_CERTIFICATE).values("pk"))
        | Q(pk__in=courses_for(user, REVOKE_CERTIFICATE).values("pk"))
    )


def certificate_course_keys(user: AbstractBaseUser) -> QuerySet:
    """The translation keys of :func:`certificate_courses`, as a subquery."""
    return certificate_courses(user).values("translation_key")
