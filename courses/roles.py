"""Staff roles the course team works with."""

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _
from wagtail.models import GroupPagePermission, Page

COURSE_AUTHORS = "Course authors"
COURSE_AUTHORS_LABEL = _("Course authors")

#: Model permissions for snippets and media an author uses while writing courses.
AUTHOR_MODEL_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("courses", "view_competence"),
    ("courses", "view_framework"),
]
AUTHOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page"]


def ensure_course_authors_group() -> Group:
    """The "Course authors" group: writes and publishes course pages in the admin,
    but cannot manage users, groups or site settings. Safe to run again."""
    group, _created = Group.objects.get_or_create(name=COURSE_AUTHORS)
    permissions = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in AUTHOR_MODEL_PERMISSIONS
    ]
    group.permissions.add(*permissions)
    root = Page.get_first_root_node()
    for codename in AUTHOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=root,
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    return group
