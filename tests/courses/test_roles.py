import pytest

from courses.roles import ensure_course_authors_group
from tests.factories import make_course, make_module, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(client):
    user = make_user(username="author")
    user.groups.add(ensure_course_authors_group())
    client.force_login(user)
    return user


def test_author_can_edit_course_pages(client, author):
    """A course author opens the page editor for courses and modules."""
    course = make_course()
    module = make_module(course)
    assert client.get(f"/admin/pages/{course.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{module.pk}/edit/").status_code == 200
    assert (
        client.get(f"/admin/pages/add/courses/lessonpage/{module.pk}/").status_code
        == 200
    )


def test_author_cannot_manage_users_groups_or_settings(client, author):
    """User management, groups and site settings stay closed to course authors."""
    for url in ("/admin/users/", "/admin/groups/", "/admin/sites/", "/admin/locales/"):
        response = client.get(url)
        # Wagtail's admin sends a user without the permission to its home page.
        assert (response.status_code, response["Location"]) == (302, "/admin/"), url


def test_roles_setup_is_repeatable():
    """Running the roles setup twice keeps one group with the same permissions."""
    first = ensure_course_authors_group()
    permissions = set(first.permissions.values_list("pk", flat=True))
    second = ensure_course_authors_group()
    assert first.pk == second.pk
    assert set(second.permissions.values_list("pk", flat=True)) == permissions
