from django.urls import path

from courses.assignments import views as assignment_views
from courses.competences import views as competence_views
from courses.enrolment import views as enrolment_views
from courses.live_sessions import views as session_views
from courses.privacy import views as privacy_views
from courses.progress import views as progress_views
from courses.quizzes import views as quiz_views

app_name = "courses"

urlpatterns = [
    path("my/", progress_views.dashboard, name="dashboard"),
    path("my/data.zip", privacy_views.download_my_data, name="download_my_data"),
    path("my/competences/", competence_views.competences, name="competences"),
    path("courses/<id:course_id>/enrol/", enrolment_views.enrol, name="enrol"),
    path(
        "lessons/<id:lesson_id>/complete/",
        progress_views.complete_lesson,
        name="complete_lesson",
    ),
    path(
        "sessions/<id:session_id>/check-in/",
        session_views.check_in_view,
        name="check_in",
    ),
    path(
        "courses/<id:course_id>/sessions.ics",
        session_views.course_calendar,
        name="course_calendar",
    ),
    path(
        "calendar/<token:key>.ics",
        session_views.learner_calendar,
        name="learner_calendar",
    ),
    path(
        "my/calendar/reset/",
        session_views.reset_calendar_feed,
        name="reset_calendar_feed",
    ),
    path(
        "lessons/<id:lesson_id>/quiz/start/",
        quiz_views.start,
        name="quiz_start",
    ),
    path(
        "quiz-attempts/<id:attempt_id>/submit/",
        quiz_views.submit,
        name="quiz_submit",
    ),
    path(
        "quiz-attempts/<id:attempt_id>/",
        quiz_views.result,
        name="quiz_result",
    ),
    path(
        "assignments/<id:assignment_id>/",
        assignment_views.assignment,
        name="assignment",
    ),
    path(
        "assignments/peer-reviews/<id:review_id>/comment/",
        assignment_views.peer_comment,
        name="peer_comment",
    ),
    path(
        "assignments/submissions/<id:submission_id>/file/",
        assignment_views.download,
        name="submission_file",
    ),
]
