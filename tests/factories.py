"""Small factory functions for tests: pass only what a test cares about."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.images import ImageFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Collection, GroupPagePermission, Locale, Page, Site
from wagtail.users.models import UserProfile

from courses.api_tokens.tokens import create_token
from courses.models import (
    Cohort,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    LiveSession,
    ModulePage,
)
from courses.people.accounts import confirm_email
from courses.roles import PROGRAMME_ADMINISTRATORS, TUTORS, ensure_roles

_numbers = itertools.count(1)


def publish(page: Page) -> Page:
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def make_user(**kwargs):
    n = next(_numbers)
    kwargs.setdefault("username", f"user{n}")
    kwargs.setdefault("email", f"user{n}@example.edu")
    kwargs.setdefault("first_name", "Jolanta")
    kwargs.setdefault("last_name", "Ūzuliņa")
    password = kwargs.pop("password", "pw-for-tests")
    confirmed = kwargs.pop("email_confirmed", True)
    user = get_user_model().objects.create_user(password=password, **kwargs)
    if confirmed:
        confirm_email(user)
    return user


def make_course_editor(course: CoursePage, **kwargs):
    """A member of staff who may edit ``course`` and nothing else."""
    group = Group.objects.create(name=f"Editors of {course.pk} ({next(_numbers)})")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    GroupPagePermission.objects.create(
        group=group,
        page=course,
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="change_page"
        ),
    )
    user = make_user(**kwargs)
    user.groups.add(group)
    return user


def grant(user, *permissions: str):
    """``user``, given ``permissions`` ("app_label.codename") for every course."""
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def make_programme_admin(**kwargs):
    """A programme administrator: enrolment, certificates, personal data and API
    tokens of every course (the group ``setup_roles`` makes)."""
    ensure_roles()
    user = make_user(**kwargs)
    user.groups.add(Group.objects.get(name=PROGRAMME_ADMINISTRATORS))
    return user


def make_tutor(cohort: Cohort, **kwargs):
    """A tutor of ``cohort``: reviews, attendance and progress of its learners."""
    ensure_roles()
    user = make_user(**kwargs)
    user.groups.add(Group.objects.get(name=TUTORS))
    cohort.tutors.add(user)
    return user


def in_english_admin(user):
    """``user``, whose Wagtail admin speaks English (figures read 85.0, not 85,0)."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def make_catalogue(**kwargs) -> CourseIndexPage:
    """A catalogue that is the default site's root (replacing Wagtail's welcome page)."""
    root = Page.get_first_root_node()
    kwargs.setdefault("title", "Kursi")
    kwargs.setdefault("slug", f"kursi-{next(_numbers)}")
    kwargs.setdefault("locale", Locale.get_default())
    catalogue = CourseIndexPage(**kwargs)
    root.add_child(instance=catalogue)
    publish(catalogue)
    site = Site.objects.get(is_default_site=True)
    site.root_page = catalogue
    site.save()
    return catalogue


def make_course(parent: CourseIndexPage | None = None, **kwargs) -> CoursePage:
    parent = parent or CourseIndexPage.objects.first() or make_catalogue()
    n = next(_numbers)
    kwargs.setdefault("title", f"STEM kurss {n}")
    kwargs.setdefault("slug", f"course-{n}")
    kwargs.setdefault("summary", "<p>Kompetenču pieeja STEM mācībās.</p>")
    kwargs.setdefault("provider_name", "Daugavpils Universitāte")
    kwargs.setdefault("locale", parent.locale)
    course = CoursePage(**kwargs)
    parent.add_child(instance=course)
    return publish(course)


def make_module(course: CoursePage, **kwargs) -> ModulePage:
    n = next(_numbers)
    kwargs.setdefault("title", f"Modulis {n}")
    kwargs.setdefault("slug", f"module-{n}")
    kwargs.setdefault("hours", Decimal(12))
    kwargs.setdefault("locale", course.locale)
    module = ModulePage(**kwargs)
    course.add_child(instance=module)
    return publish(module)


def make_lesson(module: ModulePage, **kwargs) -> LessonPage:
    n = next(_numbers)
    kwargs.setdefault("title", f"Nodarbība {n}")
    kwargs.setdefault("slug", f"lesson-{n}")
    kwargs.setdefault("locale", module.locale)
    kwargs.setdefault(
        "body",
        [("paragraph", "<p>Pētnieciskā mācīšanās fizikā.</p>")],
    )
    lesson = LessonPage(**kwargs)
    module.add_child(instance=lesson)
    return publish(lesson)


def make_course_tree(modules: int = 2, lessons: int = 2, **course_kwargs):
    """A published course with ``modules`` × ``lessons``; returns (course, lessons)."""
    course = make_course(**course_kwargs)
    all_lessons = []
    for _ in range(modules):
        module = make_module(course)
        all_lessons += [make_lesson(module) for _ in range(lessons)]
    return course, all_lessons


def make_cohort(course: CoursePage, **kwargs) -> Cohort:
    kwargs.setdefault("name", f"Cohort {next(_numbers)}")
    return Cohort.objects.create(course=course, **kwargs)


def make_live_session(module: ModulePage, **kwargs) -> LiveSession:
    """A two-hour online session tomorrow, unless told otherwise."""
    kwargs.setdefault("title", f"Tiešsaistes sesija {next(_numbers)}")
    kwargs.setdefault("title_en", "Online session")
    # Whole minutes, as staff enter them and calendar files carry them.
    tomorrow = timezone.now().replace(second=0, microsecond=0) + timedelta(days=1)
    kwargs.setdefault("start", tomorrow)
    kwargs.setdefault("end", kwargs["start"] + timedelta(hours=2))
    kwargs.setdefault("mode", LiveSession.Mode.ONLINE)
    kwargs.setdefault("place", "Zoom")
    kwargs.setdefault("online_link", "https://zoom.us/j/555000111")
    kwargs.setdefault("hours", Decimal(2))
    return LiveSession.objects.create(module=module, **kwargs)


def en_url(name: str, *args) -> str:
    """The English URL of ``name``: a request to a Latvian page leaves the thread
    in Latvian, so reverse() alone would give the /lv/ address."""
    with translation.override("en"):
        return reverse(name, args=args)


def api_client(user) -> Client:
    """A browser-like client in English for the JSON API: signed in as ``user``,
    CSRF enforced, the token taken from the cookie as the site's scripts do."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    client.cookies.load({"csrftoken": "x" * 32})
    client.defaults["HTTP_X_CSRFTOKEN"] = "x" * 32
    return client


def token_client(user, scope: str = "write", days: int = 30, name: str = "Registry"):
    """A client that sends a new personal token of ``user``, as a university
    system does: no cookie and no CSRF token (a token needs none). Returns
    (client, token)."""
    token, secret = create_token(
        user, name, scope, timezone.now() + timedelta(days=days)
    )
    client = Client(
        enforce_csrf_checks=True,
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    return client, token


def make_image(title: str = "Logo", colour: str = "#1f4e79", size=(120, 60)):
    buffer = io.BytesIO()
    PILImage.new("RGBA", size, colour).save(buffer, format="PNG")
    # Without migrations (--no-migrations) Wagtail's root collection is missing.
    root = Collection.get_first_root_node() or Collection.add_root(name="Root")
    image = get_image_model()(title=title, collection=root)
    image.file = ImageFile(io.BytesIO(buffer.getvalue()), name=f"{title}.png")
    image.save()
    return image
