"""The existing "Course authors" group gets what authors now need: quizzes and
assignments, and images and documents (Wagtail grants those per collection, so
model permissions alone never showed authors the Images and Documents menus).
The other roles are made by ``manage.py setup_roles`` (docs/upgrading.md)."""

from django.db import migrations

AUTHOR_PERMISSIONS = [
    ("courses", "add_quiz"),
    ("courses", "change_quiz"),
    ("courses", "publish_quiz"),
    ("courses", "add_assignment"),
    ("courses", "change_assignment"),
    ("courses", "view_competencearea"),
]
MEDIA_PERMISSIONS = [
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
]


def grant_authors(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupCollectionPermission = apps.get_model(
        "wagtailcore", "GroupCollectionPermission"
    )
    group = Group.objects.filter(name="Course authors").first()
    if group is None:
        return

    def found(pairs):
        # A permission Django or Wagtail has not made yet (they make them after
        # migrating) is left to setup_roles.
        return [
            permission
            for app_label, codename in pairs
            for permission in Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            )
        ]

    group.permissions.add(*found(AUTHOR_PERMISSIONS))
    root = Collection.objects.filter(depth=1).first()
    if root is None or GroupCollectionPermission.objects.filter(group=group).exists():
        return
    for permission in found(MEDIA_PERMISSIONS):
        GroupCollectionPermission.objects.create(
            group=group, collection=root, permission=permission
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0015_cohort_tutors_and_staff_capabilities"),
        ("wagtailcore", "0066_collection_management_permissions"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(grant_authors, migrations.RunPython.noop)]
