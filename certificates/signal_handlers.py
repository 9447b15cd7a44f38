"""Issue a certificate when courses announces that a learner completed a course;
keep the Open Badges revocation list in step with certificates' status."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from certificates.models import Certificate
from certificates.openbadges.status_list import forget_revoked
from certificates.tasks import issue_for_completed_enrolment
from courses.models import Enrolment
from courses.signals import course_completed


@receiver(course_completed)
def issue_on_completion(sender, enrolment: Enrolment, **kwargs) -> None:
    # courses sends this after its commit; the task issues and renders, so the
    # learner's request does not wait for a PDF.
    issue_for_completed_enrolment.enqueue(enrolment.pk)


@receiver(post_save, sender=Certificate)
def refresh_revocation_list(
    sender, instance: Certificate, update_fields=None, **kwargs
) -> None:
    if update_fields is None or "status" in update_fields:
        # After the commit, so that no request caches the list from before it.
        transaction.on_commit(forget_revoked)
