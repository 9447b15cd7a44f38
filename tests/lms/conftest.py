"""Fixtures the host site's tests share: the privacy world of a learner who has
done everything (tests/courses/privacy_world.py)."""

from tests.courses.privacy_world import person_world  # noqa: F401  (a fixture)
