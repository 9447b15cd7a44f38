"""Keep stored progress summaries true when a course's structure changes: lessons
or modules published, unpublished, moved or deleted are recounted for every
learner of the course, in the background."""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.models import CoursePage, LessonPage, ModulePage
from courses.tasks import refresh_course_summaries

STRUCTURE_PAGES = (LessonPage, ModulePage)


def _schedule_refresh(page) -> None:
    course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
    if course is None:
        return
    course_key = str(course.translation_key)
    transaction.on_commit(lambda: refresh_course_summaries.enqueue(course_key))


@receiver(page_published)
@receiver(page_unpublished)
@receiver(post_page_move)
def structure_changed(sender, instance, **kwargs) -> None:
    if isinstance(sender, type) and issubclass(sender, STRUCTURE_PAGES):
        _schedule_refresh(instance)


@receiver(post_delete, sender=LessonPage)
@receiver(post_delete, sender=ModulePage)
def structure_deleted(sender, instance, **kwargs) -> None:
    _schedule_refresh(instance)
