from courses.models.competences import (
    Competence,
    CompetenceArea,
    Framework,
    FrameworkLevel,
)
from courses.models.enrolment import Cohort, Enrolment, EnrolmentEvent
from courses.models.pages import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModuleCompetence,
    ModulePage,
)
from courses.models.progress import LessonProgress

__all__ = [
    "Cohort",
    "Competence",
    "CompetenceArea",
    "CourseIndexPage",
    "CoursePage",
    "Enrolment",
    "EnrolmentEvent",
    "Framework",
    "FrameworkLevel",
    "LessonPage",
    "LessonProgress",
    "ModuleCompetence",
    "ModulePage",
]
