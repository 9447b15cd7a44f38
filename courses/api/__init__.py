"""The courses app's part of the JSON API: every feature's operations in one
router, which the site mounts under its API (see ``lms/api.py``).

Operation ids are given explicitly, so that moving an operation between modules
never changes the OpenAPI schema that clients are generated from.
"""

from ninja import Router

from courses.assignments.api import router as assignments
from courses.catalogue.api import router as catalogue
from courses.competences.api import router as competences
from courses.enrolment.api import router as enrolment
from courses.live_sessions.api import router as live_sessions
from courses.progress.api import router as progress
from courses.quizzes.api import router as quizzes

router = Router()
for feature in (
    catalogue,
    enrolment,
    progress,
    competences,
    live_sessions,
    quizzes,
    assignments,
):
    router.add_router("", feature)
