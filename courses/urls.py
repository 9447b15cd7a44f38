from django.urls import path

from courses import assignment_views, quiz_views, session_views, views

app_name = "courses"

urlpatterns = [
    path("my/", views.dashboard, name="dashboard"),
    path("my/competences/", views.competences, name="competences"),
    path("courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path(
        "lessons/<int:lesson_id>/complete/",
        views.complete_lesson,
        name="complete_lesson",
    ),
    path(
        "sessions/<int:session_id>/check-in/",
        session_views.check_in_view,
        name="check_in",
    ),
    path(
        "courses/<int:course_id>/sessions.ics",
        session_views.course_calendar,
        name="course_calendar",
    ),
    path(
        "calendar/<str:key>.ics",
        session_views.learner_calendar,
        name="learner_calendar",
    ),
    path(
        "my/calendar/reset/",
        session_views.reset_calendar_feed,
        name="reset_calendar_feed",
    ),
    path(
        "lessons/<int:lesson_id>/quiz/start/",
        quiz_views.start,
        name="quiz_start",
    ),
    path(
        "quiz-attempts/<int:attempt_id>/submit/",
        quiz_views.submit,
        name="quiz_submit",
    ),
    path(
        "quiz-attempts/<int:attempt_id>/",
        quiz_views.result,
        name="quiz_result",
    ),
    path(
        "assignments/<int:assignment_id>/",
        assignment_views.assignment,
        name="assignment",
    ),
    path(
        "assignments/submissions/<int:submission_id>/file/",
        assignment_views.download,
        name="submission_file",
    ),
]
