"""Issue a certificate when courses announces that a learner completed a course."""

from django.dispatch import receiver

from certificates.tasks import issue_for_completed_enrolment
from courses.models import Enrolment
from courses.signals import course_completed


@receiver(course_completed)
def issue_on_completion(sender, enrolment: Enrolment, **kwargs) -> None:
    # courses sends this after its commit; the task issues and renders, so the
    # learner's request does not wait for a PDF.
    issue_for_completed_enrolment.enqueue(enrolment.pk)
