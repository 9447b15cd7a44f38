"""The personal data the courses app holds, declared for export and erasure."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from courses.privacy.registry import (
    Erasure,
    PersonalData,
    Strategy,
    register_actor_reference,
    register_exclusion,
    register_personal_data,
)
from courses.privacy.traces import (
    answers_naming,
    end_sessions,
    history_of,
    relabel_history,
    session_store,
    sessions_are_in_database,
    sessions_of,
)

# The account's own fields, as far as the site's user model has them (a site
# may swap in its own user model).
ACCOUNT_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "date_joined",
    "last_login",
    "is_active",
)


#: Erasing blanks these (the user name gets a stand-in instead: it must stay
#: unique; ``is_active`` is switched off).
ERASED_ACCOUNT_FIELDS = ("email", "first_name", "last_name", "last_login")


def erase_account(accounts: QuerySet) -> None:
    """The account stays, deactivated, under a user name that names nobody, with
    no usable password; what other apps keep about the account goes: its e-mail
    addresses and their confirmations (allauth), its admin profile and avatar
    (Wagtail) and the records of its sign-in attempts (axes)."""
    user_model = accounts.model
    for account in accounts:
        name = account.get_username()
        setattr(account, user_model.USERNAME_FIELD, f"erased-{account.pk}")
        account.is_active = False
        if account.has_usable_password():
            account.set_unusable_password()
        account.save(update_fields=[user_model.USERNAME_FIELD, "is_active", "password"])
        if apps.is_installed("allauth.account"):
            apps.get_model("account", "EmailAddress").objects.filter(
                user=account
            ).delete()
        if apps.is_installed("allauth.socialaccount"):
            apps.get_model("socialaccount", "SocialAccount").objects.filter(
                user=account
            ).delete()
        if apps.is_installed("wagtail.users"):
            profile = (
                apps.get_model("wagtailusers", "UserProfile")
                .objects.filter(user=account)
                .first()
            )
            if profile is not None:
                if profile.avatar:
                    profile.avatar.delete(save=False)
                profile.delete()
        if apps.is_installed("axes") and name:
            for model_name in ("AccessAttempt", "AccessLog", "AccessFailureLog"):
                apps.get_model("axes", model_name).objects.filter(
                    username=name
                ).delete()


def declare() -> None:
    """Register the courses app's personal data (called from ``ready()``)."""
    user_model = get_user_model()
    present = {field.name for field in user_model._meta.get_fields()}
    account_fields = tuple(field for field in ACCOUNT_FIELDS if field in present)
    erased_fields = tuple(
        field
        for field in ERASED_ACCOUNT_FIELDS
        if field in present and field != user_model.USERNAME_FIELD
    )
    for declaration in (
        PersonalData(
            model=settings.AUTH_USER_MODEL,
            name="account",
            description=_("Your account: user name, name, e-mail address, dates."),
            user_path="",
            fields=("id", *account_fields),
            # The account stays (enrolments and certificates are protected),
            # deactivated and with nothing that names the person.
            erasure=Erasure(Strategy.ANONYMISE, erased_fields, before=erase_account),
        ),
        PersonalData(
            model="courses.LearnerProfile",
            name="preferences",
            description=_(
                "Your preferences, such as the language of e-mails, and the "
                "municipality of your school if you gave it."
            ),
            user_path="user",
            fields=("preferred_language", "municipality"),
            erasure=Erasure(Strategy.DELETE),
        ),
        PersonalData(
            model="courses.CalendarToken",
            name="calendar_feed",
            # The secret key itself is left out: a leaked export must not open
            # the feed.
            description=_("When you created your personal calendar feed."),
            user_path="user",
            fields=("created_at",),
            erasure=Erasure(Strategy.DELETE),
        ),
        PersonalData(
            model="courses.Enrolment",
            name="enrolments",
            description=_("Your courses, group, status, progress and hours."),
            user_path="user",
            fields=(
                "id",
                "course__title",
                "course_key",
                "cohort__name",
                "status",
                "enrolled_at",
                "completed_at",
                "completed_items",
                "total_items",
                "requirements_done",
                "requirements_total",
                "percent",
                "hours_earned",
                "attended_hours",
                "last_activity_at",
            ),
            # Kept, tied to the anonymised account: courses' figures and issued
            # certificates refer to it.
            erasure=Erasure(Strategy.TOMBSTONE),
        ),
        PersonalData(
            model="courses.EnrolmentEvent",
            name="enrolment_history",
            description=_("When you enrolled, withdrew, re-enrolled and completed."),
            user_path="enrolment__user",
            fields=("enrolment_id", "kind", "at", "note"),
            erasure=Erasure(Strategy.ANONYMISE, ("note",)),
        ),
        PersonalData(
            model="courses.LessonProgress",
            name="lesson_progress",
            description=_("Which lessons you opened and completed, and when."),
            user_path="enrolment__user",
            fields=(
                "enrolment_id",
                "enrolment__course__title",
                "lesson_key",
                "first_viewed_at",
                "completed_at",
                "source",
            ),
            erasure=Erasure(Strategy.TOMBSTONE),
        ),
        PersonalData(
            model="courses.ActivityAttempt",
            name="activity_attempts",
            description=_(
                "What the e-learning packages (SCORM, H5P) you played reported: "
                "status, score, where you stopped and the data they saved."
            ),
            user_path="enrolment__user",
            fields=(
                "id",
                "enrolment_id",
                "activity__title",
                "number",
                "completion",
                "success",
                "score",
                "location",
                "suspend_data",
                "data",
                "total_time",
                "met",
                "started_at",
                "updated_at",
                "finished_at",
            ),
            # Results stay for the course's statistics; what the package saved goes.
            erasure=Erasure(Strategy.ANONYMISE, ("location", "suspend_data", "data")),
        ),
        PersonalData(
            model="courses.QuizAttempt",
            name="quiz_attempts",
            description=_("Your quiz attempts with your answers and results."),
            user_path="enrolment__user",
            fields=(
                "id",
                "enrolment_id",
                "quiz__title",
                "quiz_key",
                "started_at",
                "submitted_at",
                "question_order",
                "answers",
                "results",
                "score",
                "max_score",
                "percent",
                "passed",
            ),
            # Scores stay for the quiz's statistics; what was answered goes.
            erasure=Erasure(Strategy.ANONYMISE, ("answers", "results")),
        ),
        PersonalData(
            model="courses.AssignmentSubmission",
            name="assignment_submissions",
            description=_(
                "Your assignment submissions, the feedback on them; the files you "
                "uploaded are in the files folder."
            ),
            user_path="enrolment__user",
            fields=(
                "id",
                "enrolment_id",
                "assignment__title",
                "assignment_key",
                "text",
                "file",
                "submitted_at",
                "status",
                "feedback",
                "reviewed_at",
            ),
            files=("file",),
            erasure=Erasure(Strategy.ANONYMISE, ("text", "file", "feedback")),
        ),
        PersonalData(
            model="courses.AssessedCompetence",
            name="competence_assessments",
            description=_("The competence levels assessed in your submissions."),
            user_path="submission__enrolment__user",
            fields=(
                "submission_id",
                "competence__code",
                "competence__name",
                "level__code",
                "level__name",
            ),
            erasure=Erasure(Strategy.TOMBSTONE),
        ),
        PersonalData(
            model="courses.PeerReview",
            name="peer_comments_written",
            # Not whose work it was: that is the colleague's.
            description=_(
                "The comments you wrote on colleagues' work (peer feedback), and "
                "whether the course team approved them."
            ),
            user_path="reviewer__user",
            fields=(
                "reviewer_id",
                "submission__assignment__title",
                "assignment_key",
                "offered_at",
                "comment",
                "commented_at",
                "status",
                "moderated_at",
            ),
            # A comment is its writer's words: it goes with them, and the work's
            # author no longer sees it.
            erasure=Erasure(Strategy.DELETE),
        ),
        PersonalData(
            model="courses.Attendance",
            name="attendance",
            description=_("Your attendance at live sessions, with the hours."),
            user_path="enrolment__user",
            fields=(
                "enrolment_id",
                "session__title",
                "session__start",
                "session__end",
                "status",
                "hours",
                "source",
                "marked_at",
            ),
            erasure=Erasure(Strategy.TOMBSTONE),
        ),
        PersonalData(
            model="courses.ApiToken",
            name="api_tokens",
            # Never the secret's digest: an export shows which tokens exist.
            description=_("Your API tokens: name, access, dates; never the token."),
            user_path="owner",
            fields=(
                "id",
                "name",
                "scope",
                "prefix",
                "created_at",
                "expires_at",
                "revoked_at",
                "last_used_at",
            ),
            erasure=Erasure(Strategy.DELETE),
        ),
        PersonalData(
            model="courses.ApiRequestLog",
            name="api_requests",
            description=_("The requests made with your API tokens."),
            user_path="token__owner",
            fields=("token_id", "operation", "method", "path", "status", "at"),
            erasure=Erasure(Strategy.DELETE),
        ),
        PersonalData(
            model="courses.IdempotentRequest",
            name="api_idempotency_keys",
            # The stored answers are left out: they name the learners acted on.
            description=_("The idempotency keys of your API writes (kept 24 hours)."),
            user_path="user",
            fields=("key", "status", "created_at"),
            erasure=Erasure(Strategy.DELETE),
        ),
    ):
        register_personal_data(declaration)
    register_actor_reference("courses.EnrolmentEvent", "actor")
    register_actor_reference("courses.AssignmentSubmission", "reviewed_by")
    register_actor_reference("courses.Attendance", "marked_by")
    register_actor_reference("courses.Package", "uploaded_by")
    register_actor_reference("courses.PeerReview", "moderated_by")
    register_exclusion(
        "courses.ModuleSummary",
        "enrolment",
        "Counts derived from the lesson progress declared above, which is exported "
        "and erased; the counts stay with the enrolment's figures.",
    )
    register_exclusion(
        "courses.PrivacyLog",
        "subject_user_id",
        "Accountability: the log of exports outlives the account it names, and "
        "holds user ids only.",
    )
    declare_traces()


def declare_traces() -> None:
    """What names the person without a key to them (see
    :mod:`courses.privacy.traces`)."""
    register_personal_data(
        PersonalData(
            model="courses.IdempotentRequest",
            name="api_answers_naming_you",
            # Other staff's records: nothing of them is exported.
            description=_(
                "Answers of the staff API that name you, kept for 24 hours in case "
                "a member of staff sends the same request again."
            ),
            user_path="",
            fields=(),
            erasure=Erasure(Strategy.DELETE),
            find=answers_naming,
        )
    )
    register_personal_data(
        PersonalData(
            model="wagtailcore.ModelLogEntry",
            name="admin_history",
            # Not who did it: that is the staff member's.
            description=_(
                "The admin's history of changes to your account and records: what "
                "was done and when."
            ),
            user_path="",
            fields=("timestamp", "action", "label"),
            # The entries stay as the record of what staff did; their labels
            # named the account.
            erasure=Erasure(Strategy.ANONYMISE, ("data",), before=relabel_history),
            find=history_of,
        )
    )
    for log_model in ("wagtailcore.ModelLogEntry", "wagtailcore.PageLogEntry"):
        register_exclusion(
            log_model,
            "user",
            "Who acted in the admin: the account stays, renamed erased-<id>, and "
            "Wagtail shows the name the account has now.",
        )
    if apps.is_installed("django.contrib.sessions") and sessions_are_in_database():
        register_personal_data(
            PersonalData(
                model=session_store().get_model_class()._meta.label,
                name="sessions",
                # A session's key signs its holder in: never exported.
                description=_(
                    "Your sign-ins to this site, and the address the sign-up and "
                    "e-mail confirmation pages remembered."
                ),
                user_path="",
                fields=(),
                erasure=Erasure(Strategy.DELETE, before=end_sessions),
                find=sessions_of,
            )
        )
