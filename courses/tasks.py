"""Background work of the courses app (Django's task framework)."""

from django_tasks import task

from courses.models import Enrolment
from courses.progress.recording import refresh_summary


@task()
def refresh_course_summaries(course_key: str) -> int:
    """Recount the stored summary of every enrolment in a course.

    Run after lessons or modules are published, unpublished, moved or deleted, so
    that no learner sees a stale percent. Safe to run again: it only recounts.
    """
    enrolments = (
        Enrolment.objects.filter(course_key=course_key).only("pk").order_by("pk")
    )
    count = 0
    for enrolment in enrolments.iterator(chunk_size=500):
        refresh_summary(enrolment)
        count += 1
    return count
