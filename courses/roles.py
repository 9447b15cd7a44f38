"""The roles of a university course team, each a Django group that
``manage.py setup_roles`` makes or brings up to date.

- *Course authors* write courses: Wagtail page permissions (on the root by
  default; a site administrator may move them to one course), quizzes,
  assignments and e-learning activities, images and documents in the "Courses" collection. They see their
  courses' reports, without learners' e-mail addresses.
- *Tutors* review submissions, take attendance and follow the progress of the
  cohorts that name them (``Cohort.tutors``): the group only lets them into the
  admin, the cohort says whose work they see.
- *Programme administrators* enrol learners and set up cohorts and their tutors;
  issue, revoke and re-issue certificates; export personal data; make API
  tokens; answer privacy requests, for every course.
- *Site administrators* may do everything.

What each capability means is decided in :mod:`courses.permissions`; a person
in several groups has the rights of all of them. Running the command again adds
what a role lacks and takes nothing away: a group's page and collection
permissions are given only to a group that has none, so a site administrator's
narrowing stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)

COURSE_AUTHORS = "Course authors"
TUTORS = "Tutors"
PROGRAMME_ADMINISTRATORS = "Programme administrators"
SITE_ADMINISTRATORS = "Site administrators"

#: The collection course authors' images and documents go to.
COURSES_COLLECTION = "Courses"

ACCESS_ADMIN = ("wagtailadmin", "access_admin")
MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]
PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


@dataclass
class Role:
    """A group and what it holds. ``pages`` and ``media`` say whether it gets
    Wagtail's page permissions on the root and collection permissions on the
    "Courses" collection (every permission on every collection: ``all``)."""

    name: str
    label: str
    permissions: list[tuple[str, str]] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    media: bool = False
    everything: bool = False


ROLES: dict[str, Role] = {
    COURSE_AUTHORS: Role(
        COURSE_AUTHORS,
        _("Course authors"),
        [
            ACCESS_ADMIN,
            ("courses", "add_quiz"),
            ("courses", "change_quiz"),
            ("courses", "publish_quiz"),
            ("courses", "add_assignment"),
            ("courses", "change_assignment"),
            ("courses", "add_activity"),
            ("courses", "change_activity"),
            ("courses", "view_competence"),
            ("courses", "view_competencearea"),
            ("courses", "view_framework"),
        ],
        pages=PAGE_PERMISSIONS,
        media=True,
    ),
    TUTORS: Role(TUTORS, _("Tutors"), [ACCESS_ADMIN]),
    PROGRAMME_ADMINISTRATORS: Role(
        PROGRAMME_ADMINISTRATORS,
        _("Programme administrators"),
        [
            ACCESS_ADMIN,
            ("courses", "manage_enrolment"),
            ("courses", "view_progress"),
            ("courses", "export_personal_data"),
            ("courses", "manage_api_tokens"),
            ("courses", "export_person"),
            ("courses", "erase_person"),
        ],
    ),
    SITE_ADMINISTRATORS: Role(
        SITE_ADMINISTRATORS,
        _("Site administrators"),
        pages=[*PAGE_PERMISSIONS, "bulk_delete_page", "lock_page", "unlock_page"],
        everything=True,
    ),
}


def add_role_permissions(role: str, permissions: list[tuple[str, str]]) -> None:
    """Give ``role`` more permissions (another app's), from that app's
    ``ready()``; ``setup_roles`` then grants them."""
    held = ROLES[role].permissions
    held.extend(p for p in permissions if p not in held)


def courses_collection() -> Collection:
    """The "Courses" collection below the root, made if missing and named in the
    site's language (a collection's name is data, shown as it is in every admin
    language)."""
    with translation.override(settings.LANGUAGE_CODE):
        name = str(_("Courses"))
    root = Collection.get_first_root_node()
    found = root.get_children().filter(name__in={COURSES_COLLECTION, name}).first()
    return found or root.add_child(name=name)


def _permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def ensure_role(role: Role) -> Group:
    """Make ``role``'s group or add what it lacks; safe to run again."""
    group, _created = Group.objects.get_or_create(name=role.name)
    if role.everything:
        group.permissions.add(*Permission.objects.all())
    else:
        group.permissions.add(*(_permission(*p) for p in role.permissions))
    if role.pages and not GroupPagePermission.objects.filter(group=group).exists():
        root = Page.get_first_root_node()
        for codename in role.pages:
            GroupPagePermission.objects.create(
                group=group, page=root, permission=_permission("wagtailcore", codename)
            )
    media = role.media or role.everything
    if media and not GroupCollectionPermission.objects.filter(group=group).exists():
        if role.everything:
            collection = Collection.get_first_root_node()
            codenames = [
                *MEDIA_PERMISSIONS,
                ("wagtailimages", "delete_image"),
                ("wagtaildocs", "delete_document"),
            ]
        else:
            collection, codenames = courses_collection(), MEDIA_PERMISSIONS
        for app_label, codename in codenames:
            GroupCollectionPermission.objects.create(
                group=group,
                collection=collection,
                permission=_permission(app_label, codename),
            )
    return group


def ensure_roles() -> list[Group]:
    """Every role's group, made or brought up to date."""
    return [ensure_role(role) for role in ROLES.values()]


def ensure_course_authors_group() -> Group:
    """The "Course authors" group, made or brought up to date."""
    return ensure_role(ROLES[COURSE_AUTHORS])
