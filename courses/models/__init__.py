from courses.models.assessment import (
    AssessedCompetence,
    Assignment,
    AssignmentSubmission,
    Quiz,
    QuizAttempt,
)
from courses.models.competences import (
    Competence,
    CompetenceArea,
    Framework,
    FrameworkLevel,
)
from courses.models.content import ContentVersion
from courses.models.enrolment import Cohort, Enrolment, EnrolmentEvent
from courses.models.pages import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModuleCompetence,
    ModulePage,
)
from courses.models.profile import LearnerProfile
from courses.models.progress import LessonProgress
from courses.models.sessions import Attendance, CalendarToken, LiveSession

__all__ = [
    "AssessedCompetence",
    "Assignment",
    "AssignmentSubmission",
    "Attendance",
    "CalendarToken",
    "Cohort",
    "Competence",
    "CompetenceArea",
    "ContentVersion",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "EnrolmentEvent",
    "Framework",
    "FrameworkLevel",
    "LearnerProfile",
    "LessonPage",
    "LessonProgress",
    "LiveSession",
    "ModuleCompetence",
    "ModulePage",
    "Quiz",
    "QuizAttempt",
]
