"""The learner's pages state academic hours with the noun agreeing with the
number: "1 academic hour", "12.5 academic hours"; in Latvian the abbreviation
"akad. st.", which agrees with every number."""

from decimal import Decimal

import pytest
from django.utils import translation

from courses.templatetags.courses_tags import academic_hours
from tests.factories import make_course, make_module

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("hours", "english", "latvian"),
    [
        (Decimal(1), "1 academic hour", "1 akad. st."),
        (Decimal(21), "21 academic hours", "21 akad. st."),
        (Decimal("12.5"), "12.5 academic hours", "12,5 akad. st."),
        (Decimal(0), "0 academic hours", "0 akad. st."),
        (None, "0 academic hours", "0 akad. st."),
    ],
)
def test_hours_agree_with_their_number(hours, english, latvian):
    with translation.override("en"):
        assert academic_hours(hours) == english
    with translation.override("lv"):
        assert academic_hours(hours) == latvian


def test_the_catalogue_and_course_page_say_one_hour(client):
    course = make_course(title="Īss kurss")
    make_module(course, title="Ievads", hours=Decimal(1))
    english = course.get_parent().url.replace("/lv/", "/en/", 1)
    with translation.override("en"):
        catalogue = client.get(english).content.decode()
    assert "1 academic hour<" in catalogue
    assert "1 academic hours" not in catalogue
    page = client.get(course.url).content.decode()
    assert "1 akad. st." in page
