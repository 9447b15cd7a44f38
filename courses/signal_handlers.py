"""Keep stored progress summaries and cached content true when content changes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import (
    Locale,
    Page,
    PageViewRestriction,
    Site,
    get_page_models,
)
from wagtail.signals import page_published, page_unpublished, post_page_move

from courses.catalogue.content_cache import content_changed
from courses.models import Assignment, CoursePage, LessonPage, LiveSession, ModulePage

STRUCTURE_PAGES = (LessonPage, ModulePage)


def _schedule_refresh(page) -> None:
    course = CoursePage.objects.ancestor_of(page, inclusive=True).first()
    if course is None:
        return
    from courses.tasks import refresh_course_summaries

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


def _content_changed(**kwargs) -> None:
    content_changed()


# Every save of a page (publishing and unpublishing save it too), every deletion and
# move, and everything else the cached lookups read.
for _model in {
    Page,
    *get_page_models(),
    Site,
    Locale,
    PageViewRestriction,
    Assignment,
    LiveSession,
}:
    post_save.connect(_content_changed, sender=_model, weak=False)
    post_delete.connect(_content_changed, sender=_model, weak=False)
post_page_move.connect(_content_changed, weak=False)
