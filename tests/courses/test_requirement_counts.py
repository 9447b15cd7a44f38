"""The API's progress numbers agree: the percent divides the requirement counts."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from courses.progress.completion import (
    Requirement,
    completion_percent,
    requirement_counts,
)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(
        st.tuples(
            st.sampled_from(["lessons", "quizzes", "assignments", "attendance_hours"]),
            st.integers(min_value=0, max_value=40),
            st.integers(min_value=1, max_value=40),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_the_percent_divides_the_requirement_counts(lines):
    """For any checklist, the percent is requirements done over requirements,
    rounded down, and 100 exactly when every requirement is met: the numbers the
    API states beside each other agree."""
    checklist = [
        Requirement(code, "", Decimal(done), Decimal(needed))
        for code, done, needed in lines
    ]
    done, total = requirement_counts(checklist)
    percent = completion_percent(checklist)
    assert 0 <= done <= total
    assert percent == int(100 * done / total)
    assert (percent == 100) == all(r.met for r in checklist)
