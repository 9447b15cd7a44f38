"""Who may do what with a course and its learners' records: the one policy for
staff. Everything else asks here; the roles that bundle these rights are made by
:mod:`courses.roles`.

:mod:`~courses.permissions.capabilities` answers the questions every view asks
(:func:`courses_for`, :func:`may`, :func:`enrolments_for`, :func:`cohorts_for`,
:func:`may_review_submissions`); :mod:`~courses.permissions.policies` puts them
in the admin's terms (choices of filters and forms, permission policies).
"""

from courses.permissions.capabilities import (
    EDIT_COURSE,
    EXPORT_PERSONAL_DATA,
    FILTER_COURSES_HOOK,
    MANAGE_API_TOKENS,
    MANAGE_ENROLMENT,
    REVIEW_SUBMISSION,
    SCHEDULE_SESSIONS,
    TAKE_ATTENDANCE,
    VIEW_PROGRESS,
    Capability,
    cohorts_for,
    courses_for,
    enrolment_scope,
    enrolments_for,
    holds,
    holds_any,
    holds_everywhere,
    is_course_team,
    is_staff_member,
    may,
    may_for_learner,
    may_review_submissions,
    register_staff_capability,
    sees_personal_data,
    tutored_cohorts,
    whole_courses,
)
from courses.permissions.policies import (
    CourseRecordPermissionPolicy,
    cohort_choices_for,
    course_choices_for,
    course_staff,
    editable_courses,
    may_edit_course,
    modules_for,
)

__all__ = [
    "EDIT_COURSE",
    "EXPORT_PERSONAL_DATA",
    "FILTER_COURSES_HOOK",
    "MANAGE_API_TOKENS",
    "MANAGE_ENROLMENT",
    "REVIEW_SUBMISSION",
    "SCHEDULE_SESSIONS",
    "TAKE_ATTENDANCE",
    "VIEW_PROGRESS",
    "Capability",
    "CourseRecordPermissionPolicy",
    "cohort_choices_for",
    "cohorts_for",
    "course_choices_for",
    "course_staff",
    "courses_for",
    "editable_courses",
    "enrolment_scope",
    "enrolments_for",
    "holds",
    "holds_any",
    "holds_everywhere",
    "is_course_team",
    "is_staff_member",
    "may",
    "may_edit_course",
    "may_for_learner",
    "may_review_submissions",
    "modules_for",
    "register_staff_capability",
    "sees_personal_data",
    "tutored_cohorts",
    "whole_courses",
]
