"""Every model of the courses app, each defined in its feature package.

Django finds an app's models here; code elsewhere imports a model from here or
from its feature's ``models`` module, whichever reads better.
"""

from courses.activities.models import Activity, ActivityAttempt, Package
from courses.api_tokens.models import ApiRequestLog, ApiToken, IdempotentRequest
from courses.assignments.models import (
    AssessedCompetence,
    Assignment,
    AssignmentSubmission,
    PeerReview,
)
from courses.catalogue.content_version import ContentVersion
from courses.catalogue.models import (
    CourseIndexPage,
    CoursePage,
    LessonPage,
    ModulePage,
)
from courses.catalogue.module_competences import ModuleCompetence
from courses.competences.models import (
    Competence,
    CompetenceArea,
    Framework,
    FrameworkLevel,
)
from courses.enrolment.models import Cohort, Enrolment, EnrolmentEvent
from courses.integrations.models import (
    IntegrationEvent,
    WebhookDelivery,
    WebhookEndpoint,
    XapiStatement,
)
from courses.live_sessions.models import Attendance, CalendarToken, LiveSession
from courses.lti.models import LtiDeployment, LtiIdentity, LtiRegistration
from courses.people.models import LearnerProfile
from courses.privacy.models import PrivacyLog
from courses.progress.models import LessonProgress, ModuleSummary
from courses.quizzes.models import Quiz, QuizAttempt

__all__ = [
    "Activity",
    "ActivityAttempt",
    "ApiRequestLog",
    "ApiToken",
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
    "IdempotentRequest",
    "IntegrationEvent",
    "LearnerProfile",
    "LessonPage",
    "LessonProgress",
    "LiveSession",
    "LtiDeployment",
    "LtiIdentity",
    "LtiRegistration",
    "ModuleCompetence",
    "ModulePage",
    "ModuleSummary",
    "Package",
    "PeerReview",
    "PrivacyLog",
    "Quiz",
    "QuizAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
    "XapiStatement",
]
