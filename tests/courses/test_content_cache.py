"""Learner pages take the published structure from the content cache; whatever
staff change shows on the very next request."""

import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.test import Client
from django.utils import translation
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.models import PageViewRestriction, Site

from courses.catalogue.content_cache import ContentCacheMiddleware
from courses.enrolment.enrolling import enrol
from courses.models import LessonPage
from tests.courses.assessment_factories import make_assignment
from tests.factories import (
    make_catalogue,
    make_course,
    make_course_tree,
    make_image,
    make_lesson,
    make_module,
    make_user,
    publish,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    """A learner enrolled in a course of one module with two lessons, who has read
    both lessons once (so the cache holds them)."""
    course, lessons = make_course_tree(modules=1, lessons=2)
    learner = make_user()
    enrol(learner, course)
    client.force_login(learner)
    for lesson in lessons:
        assert client.get(lesson.url).status_code == 200
    return client, course, lessons


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_a_republished_lesson_shows_its_new_title(reader):
    client, _course, lessons = reader
    lessons[1].title = "Pētnieciskā mācīšanās"
    publish(lessons[1])
    assert "<h1>Pētnieciskā mācīšanās</h1>" in html(client, lessons[1].url)
    # The previous lesson's "Next" link names it too.
    assert "Pētnieciskā mācīšanās" in html(client, lessons[0].url)


def test_an_unpublished_lesson_is_gone_at_once(reader):
    client, _course, lessons = reader
    lessons[1].unpublish()
    assert client.get(lessons[1].url).status_code == 404
    assert 'rel="next"' not in html(client, lessons[0].url)


def test_a_new_lesson_appears_in_the_pager_and_the_module_progress(reader):
    client, _course, lessons = reader
    added = make_lesson(lessons[1].get_parent().specific, title="Izejas kartītes")
    page = html(client, lessons[1].url)
    assert f'href="{added.url}" rel="next"' in page
    assert "Pabeigtas šī moduļa nodarbības: 0 no 3" in page


def test_a_moved_lesson_answers_at_its_new_address(reader):
    client, _course, lessons = reader
    old_url = lessons[1].url
    other_module = make_course_tree(modules=1, lessons=1)[1][0].get_parent()
    lessons[1].move(other_module, pos="last-child")
    moved = LessonPage.objects.get(pk=lessons[1].pk)
    assert moved.url != old_url
    # Wagtail leaves a redirect behind; the new course is one the learner has not
    # joined.
    assert client.get(old_url)["Location"] == moved.url
    assert client.get(moved.url).status_code == 403


def test_a_privacy_setting_applies_at_once(reader):
    client, course, lessons = reader
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Cita grupa"))
    response = client.get(lessons[0].url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    restriction.delete()
    assert client.get(lessons[0].url).status_code == 200


def test_a_site_given_another_catalogue_stops_serving_the_old_one(reader):
    client, _course, lessons = reader
    new_catalogue = make_catalogue(title="Jaunie kursi")  # becomes the site's root
    new_course = make_course(new_catalogue, title="Jauns kurss")
    assert Site.objects.get(is_default_site=True).root_page_id == new_catalogue.pk
    assert client.get(lessons[0].url).status_code == 404
    assert "Jauns kurss" in html(client, new_course.url)


def test_an_assignment_linked_later_is_listed(reader):
    client, _course, lessons = reader
    make_assignment(lessons[0], title="Mācību stundas plāns")
    assert "Mācību stundas plāns" in html(client, lessons[0].url)


def test_a_mistyped_address_is_a_plain_404(reader):
    client, course, lessons = reader
    assert client.get(course.url + "no-such-module/").status_code == 404
    assert client.get(lessons[0].url + "extra/").status_code == 404
    assert client.get(lessons[0].url).status_code == 200


def test_the_dashboard_shows_each_change_at_once(client):
    """The dashboard's cards are cached; progress, a renamed group and a retitled
    course show on the next visit."""
    from courses.progress.recording import record_lesson_completed
    from tests.factories import make_cohort

    course, lessons = make_course_tree(modules=1, lessons=2, title="Kurss A")
    cohort = make_cohort(course, name="Grupa 1")
    learner = make_user()
    enrolment = enrol(learner, course, cohort=cohort)
    client.force_login(learner)
    page = html(client, "/lv/my/")
    assert "Grupa 1" in page and 'value="0"' in page

    record_lesson_completed(enrolment, lessons[0])
    page = html(client, "/lv/my/")
    assert 'value="50"' in page
    assert lessons[1].url in page

    cohort.name = "Grupa 2"
    cohort.save()
    course.title = "Kurss B"
    publish(course)
    page = html(client, "/lv/my/")
    assert "Grupa 2" in page and "Kurss B" in page


def test_the_lesson_header_follows_the_learners_progress(reader):
    """The lesson's header is cached with the learner's progress in its name."""
    client, _course, lessons = reader
    page = html(client, lessons[0].url)
    assert "Pabeigtas šī moduļa nodarbības: 0 no 2" in page
    assert "badge--done" not in page
    client.post(f"/lv/lessons/{lessons[0].pk}/complete/")
    page = html(client, lessons[0].url)
    assert "Pabeigtas šī moduļa nodarbības: 1 no 2" in page
    assert "badge--done" in page


def test_a_preview_of_a_draft_leaves_the_published_lesson_alone(reader, rf):
    """Staff previewing a draft see the draft; staff and learners reading the
    lesson still see what is live."""
    client, _course, lessons = reader
    staff = make_user(is_superuser=True)
    # Wagtail previews on the site's own host name.
    staff_client = Client(HTTP_HOST="localhost")
    staff_client.force_login(staff)
    draft = LessonPage.objects.get(pk=lessons[0].pk)
    draft.title = "Melnraksta nosaukums"
    draft.save_revision()
    staff_request = rf.get("/admin/")
    staff_request.user = staff
    # The admin's preview view, like every view, runs inside the middleware.
    with translation.override("lv"):
        preview = ContentCacheMiddleware(
            lambda request: draft.make_preview_request(original_request=request)
        )(staff_request)
    assert "Melnraksta nosaukums" in preview.content.decode()
    for viewer in (client, staff_client):
        page = html(viewer, lessons[0].url)
        assert "Melnraksta nosaukums" not in page
        assert f"<h1>{lessons[0].title}</h1>" in page


def test_a_replaced_image_and_a_renamed_document_show_at_once(client):
    """A lesson shown once (and cached) shows a replaced image file and a renamed
    document on the very next request."""
    image = make_image("Diagram")
    document = get_document_model().objects.create(
        title="Worksheet", file=ContentFile(b"%PDF-1.7\n", name="worksheet.pdf")
    )
    course = make_course()
    lesson = make_lesson(
        make_module(course),
        body=json.dumps(
            [
                {
                    "type": "image",
                    "value": {
                        "image": image.pk,
                        "alt_text": "Diagram",
                        "decorative": False,
                    },
                },
                {
                    "type": "document",
                    "value": {"document": document.pk, "description": ""},
                },
            ]
        ),
    )
    learner = make_user()
    enrol(learner, course)
    client.force_login(learner)
    before = client.get(lesson.url).content.decode()
    assert "Worksheet" in before
    old_source = re.search(r'<img[^>]+src="([^"]+)"', before).group(1)

    png = io.BytesIO()
    PILImage.new("RGB", (200, 100), "#c9a227").save(png, format="PNG")
    # As the admin's image form does when a new file is chosen.
    image.file = ImageFile(io.BytesIO(png.getvalue()), name="diagram-v2.png")
    image.save()
    image.renditions.all().delete()
    document.title = "Worksheet, second edition"
    document.save()

    after = client.get(lesson.url).content.decode()
    assert "Worksheet, second edition" in after
    assert re.search(r'<img[^>]+src="([^"]+)"', after).group(1) != old_source
