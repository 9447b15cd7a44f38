"""Snippet choosers name their record in whole sentences, so the Latvian admin
says "Izvēlēties grupu" (the accusative) rather than Wagtail's "Choose
%(object)s" with the nominative ("Izvēlēties grupa")."""

import pytest
from django.utils import translation

from courses.models import Assignment, Cohort, Competence, LiveSession, Quiz


@pytest.mark.parametrize(
    ("model", "english", "latvian", "latvian_another"),
    [
        (Quiz, "Choose a quiz", "Izvēlēties testu", "Izvēlēties citu testu"),
        (
            Assignment,
            "Choose an assignment",
            "Izvēlēties praktisko uzdevumu",
            "Izvēlēties citu praktisko uzdevumu",
        ),
        (
            Competence,
            "Choose a competence",
            "Izvēlēties kompetenci",
            "Izvēlēties citu kompetenci",
        ),
        (Cohort, "Choose a cohort", "Izvēlēties grupu", "Izvēlēties citu grupu"),
        (
            LiveSession,
            "Choose a live session",
            "Izvēlēties sesiju",
            "Izvēlēties citu sesiju",
        ),
    ],
)
def test_the_chooser_button_names_its_record(model, english, latvian, latvian_another):
    widget_class = model.snippet_viewset.chooser_viewset.widget_class
    with translation.override("en"):
        assert english in widget_class().render("x", None, attrs={"id": "id_x"})
    with translation.override("lv"):
        widget = widget_class()
        assert (str(widget.choose_one_text), str(widget.choose_another_text)) == (
            latvian,
            latvian_another,
        )
