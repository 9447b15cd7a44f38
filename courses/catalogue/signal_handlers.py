"""Published content changed: everything cached under the content version is
rendered afresh on the next request (see :mod:`courses.catalogue.content_cache`).

This is the only way cached pages and fragments expire early, so it watches
everything they show: pages (publishing, unpublishing and moving save them too),
sites, locales, view restrictions, the assignments and live sessions shown on
course pages, and the images, renditions and documents used in lessons.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, PageViewRestriction, Site, get_page_models
from wagtail.signals import post_page_move

from courses.catalogue.content_cache import content_changed
from courses.models import Assignment, LiveSession


def _content_changed(**kwargs) -> None:
    content_changed()


def connect() -> None:
    image = get_image_model()
    for model in {
        Page,
        *get_page_models(),
        Site,
        Locale,
        PageViewRestriction,
        Assignment,
        LiveSession,
        image,
        image.get_rendition_model(),
        get_document_model(),
    }:
        post_save.connect(_content_changed, sender=model, weak=False)
        post_delete.connect(_content_changed, sender=model, weak=False)
    post_page_move.connect(_content_changed, weak=False)
