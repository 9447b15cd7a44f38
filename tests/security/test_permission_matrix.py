"""The permission matrix: what each role gets from every URL of the site and
every operation of the API, declared in one table and checked request by
request. A URL or an API operation added without a row fails here.

Outcomes: ``Y`` reaches it (2xx, or a form's redirect onwards), ``L`` is sent
to sign in (or gets 401 from the API), ``N`` is refused (403, the admin's
"no permission" redirect, or a 404 that does not tell whether it exists),
``F`` reaches it but the input is refused (the form again with its errors, or a
400), ``M`` the method is not allowed there, ``-`` not checked (a page of Wagtail,
Django or allauth that only its own rules decide)."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from certificates.delivery import ensure_pdf
from courses.api.site import api
from courses.api_tokens.tokens import create_token
from courses.models import (
    Competence,
    CompetenceArea,
    Framework,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.courses.assessment_factories import quiz_form_data
from tests.security.conftest import ROLES, site_routes
from tests.security.test_fuzz import path_with

# fmt: off
#: "route-name METHOD" or "METHOD /api/path" → one outcome per role, in the
#: order of ROLES: anonymous, learner, other_learner (enrolled elsewhere),
#: other_author (edits another course's pages), admin_only (the admin, no course),
#: course_author (a course author given this course), tutor (of the learner's
#: cohort), programme_admin (a programme administrator), administrator.
EXPECTED: dict[str, str] = {
    # The learner's pages
    "set_language GET": "MMMMMMMMM",
    "set_language POST": "YYYYYYYYY",
    "certificates:mine GET": "LYYYYYYYY",
    "certificates:pd_record GET": "LYYYYYYYY",
    "certificates:pd_record POST": "LYYYYYYYY",
    "certificates:pd_record_pdf GET": "LYYYYYYYY",
    "certificates:pd_record_csv GET": "LYYYYYYYY",
    "certificates:pd_record_delete GET": "LMMMMMMMM",
    "certificates:pd_record_delete POST": "LYNNNNNNN",
    "certificates:pd_record_file GET": "LYNNNNNNN",
    "certificates:download GET": "NYNNNNNYY",
    "certificates:verify_form GET": "YYYYYYYYY",
    "certificates:verify GET": "YYYYYYYYY",
    "certificates:verify_file GET": "MMMMMMMMM",
    "certificates:verify_file POST": "YYYYYYYYY",
    "certificates:open_badge_download GET": "NYNNNNNYY",
    "certificates:open_badges_issuer GET": "YYYYYYYYY",
    "certificates:open_badges_jwks GET": "YYYYYYYYY",
    "certificates:open_badges_status GET": "YYYYYYYYY",
    "courses:dashboard GET": "LYYYYYYYY",
    "courses:competences GET": "LYYYYYYYY",
    "courses:download_my_data GET": "LYYYYYYYY",
    "courses:enrol GET": "MMMMMMMMM",
    "courses:enrol POST": "LNYYYYYYY",
    "courses:complete_lesson GET": "MMMMMMMMM",
    "courses:complete_lesson POST": "LYNNNNNNN",
    "courses:check_in GET": "MMMMMMMMM",
    "courses:check_in POST": "LYNNNNNNN",
    "courses:course_calendar GET": "YYYYYYYYY",
    "courses:learner_calendar GET": "YYYYYYYYY",
    "courses:reset_calendar_feed GET": "MMMMMMMMM",
    "courses:reset_calendar_feed POST": "LYYYYYYYY",
    "courses:quiz_start GET": "MMMMMMMMM",
    "courses:quiz_start POST": "LYNNNNNNN",
    "courses:quiz_submit GET": "MMMMMMMMM",
    "courses:quiz_submit POST": "LYNNNNNNN",
    "courses:quiz_result GET": "LYNNNNNNN",
    "courses:assignment GET": "LYNNNYYYY",
    "courses:assignment POST": "LFNNNYYYY",
    "courses:submission_file GET": "NYNNNNYNY",
    "courses:peer_comment GET": "MMMMMMMMM",
    "courses:peer_comment POST": "LYNNNNNNN",
    # The API (operations from its OpenAPI schema)
    "api-v1:openapi-json GET": "YYYYYYYYY",
    "api-v1:openapi-view GET": "YYYYYYYYY",
    "api-v1:api-root GET": "NNNNNNNNN",
    "GET /api/v1/courses": "YYYYYYYYY",
    "POST /api/v1/courses/{course_id}/enrol": "LFYYYYYYY",
    "GET /api/v1/me/enrolments": "LYYYYYYYY",
    "POST /api/v1/lessons/{lesson_id}/complete": "LYNNNNNNN",
    "GET /api/v1/courses/{course_id}/checklist": "LYNNNNNNN",
    "GET /api/v1/me/competences": "LYYYYYYYY",
    "GET /api/v1/courses/{course_id}/sessions": "YYYYYYYYY",
    "GET /api/v1/me/attendance": "LYYYYYYYY",
    "POST /api/v1/sessions/{session_id}/check-in": "LYNNNNNNN",
    "GET /api/v1/me/certificates": "LYYYYYYYY",
    "GET /api/v1/me/professional-development": "LYYYYYYYY",
    "GET /api/v1/certificates/verify/{code}": "YYYYYYYYY",
    "GET /api/v1/certificates/{serial}/credential": "LYNNNNNNN",
    "GET /api/v1/quizzes/{quiz_id}": "LYNNNYYYY",
    "POST /api/v1/quizzes/{quiz_id}/attempts": "LYNNNNNNN",
    "POST /api/v1/attempts/{attempt_id}/submit": "LYNNNNNNN",
    "GET /api/v1/me/attempts": "LYYYYYYYY",
    "POST /api/v1/assignments/{assignment_id}/submissions": "LFNNNNNNN",
    # The API's staff operations (by session here; by token below)
    "GET /api/v1/staff/courses": "LNNYNYYYY",
    "GET /api/v1/staff/courses/{course_id}/enrolments": "LNNNNNNYY",
    "POST /api/v1/staff/courses/{course_id}/enrolments": "LNNNNNNYY",
    "POST /api/v1/staff/enrolments/{enrolment_id}/withdraw": "LNNNNNNYY",
    "GET /api/v1/staff/enrolments/{enrolment_id}/progress": "LNNNNYYYY",
    "GET /api/v1/staff/courses/{course_id}/progress-report": "LNNNNYYYY",
    "GET /api/v1/staff/courses/{course_id}/certificates": "LNNNNNNYY",
    "POST /api/v1/staff/enrolments/{enrolment_id}/certificate": "LNNNNNNYY",
    "POST /api/v1/staff/certificates/{serial}/reissue": "LNNNNNNYY",
    "POST /api/v1/staff/certificates/{serial}/revoke": "LNNNNNNYY",
    "POST /api/v1/staff/courses/{course_id}/bulk-issues": "LNNNNNNYY",
    "GET /api/v1/staff/bulk-issues/{job_id}": "LNNNNNNYY",
    # Staff screens of the plugin
    "courses_deactivate_user GET": "LLLMMMMMM",
    "courses_deactivate_user POST": "LLLNNNNNY",
    "courses_export_person GET": "LLLNNNNYY",
    "courses_export_person POST": "LLLNNNNYY",
    "courses_erase_person GET": "LLLNNNNYY",
    "privacy_log:index GET": "LLLNNNNYY",
    "privacy_log:index_results GET": "LLLNNNNYY",
    "courses_erase_person POST": "LLLNNNNYY",
    "enrolments:index GET": "LLLNNNNYY",
    "enrolments:index_results GET": "LLLNNNNYY",
    "enrol_csv:index GET": "LLLNNNNYY",
    "enrol_csv:index POST": "LLLNNNNYY",
    "submissions:index GET": "LLLNNNYNY",
    "submissions:index_results GET": "LLLNNNYNY",
    "submissions:edit GET": "LLLNNNYNY",
    "submissions:edit POST": "LLLNNNYNY",
    "submissions:peer_comments GET": "LLLNNNYNY",
    "submissions:moderate_comment GET": "LLLMMMMMM",
    "submissions:moderate_comment POST": "LLLNNNYNY",
    "courses_api_tokens GET": "LLLNNNNYY",
    "courses_api_tokens_add GET": "LLLNNNNYY",
    "courses_api_tokens_add POST": "LLLNNNNYY",
    "courses_api_tokens_revoke GET": "LLLNNNNYY",
    "courses_api_tokens_revoke POST": "LLLNNNNYY",
    "reports:progress GET": "LLLYNYYYY",
    "reports:progress_results GET": "LLLYNYYYY",
    "reports:matrix GET": "LLLYNYYYY",
    "reports:matrix_results GET": "LLLYNYYYY",
    "reports:competences GET": "LLLYNYYYY",
    "reports:competences_results GET": "LLLYNYYYY",
    "reports:export GET": "LLLYNYYYY",
    "reports:matrix_export GET": "LLLYNYYYY",
    "reports:competences_export GET": "LLLYNYYYY",
    "reports:summary_export GET": "LLLYNYYYY",
    "reports:summary GET": "LLLYNYYYY",
    "reports:summary_results GET": "LLLYNYYYY",
    "certificates_admin:index GET": "LLLNNNNYY",
    "certificates_admin:index_results GET": "LLLNNNNYY",
    "certificates_admin:issue GET": "LLLNNNNYY",
    "certificates_admin:issue POST": "LLLNNNNYY",
    "certificates_admin:revoke GET": "LLLNNNNYY",
    "certificates_admin:revoke POST": "LLLNNNNYY",
    "certificates_admin:reissue GET": "LLLNNNNYY",
    "certificates_admin:reissue POST": "LLLNNNNYY",
    "certificates_admin:bulk GET": "LLLNNNNYY",
    "certificates_admin:bulk POST": "LLLNNNNYY",
    "certificates_admin:bulk_job GET": "LLLNNNNYY",
    "certificates_admin:bulk_job_status GET": "LLLNNNNYY",
    "certificates_admin:zip_form GET": "LLLNNNNYY",
    "certificates_admin:zip_form POST": "LLLNNNNYY",
    "certificates_admin:zip GET": "LLLNNNNYY",
    # Cohorts and live sessions: records of one course
    "wagtailsnippets_courses_cohort:list GET": "LLLNNNNYY",
    "wagtailsnippets_courses_cohort:list_results GET": "LLLNNNNYY",
    "wagtailsnippets_courses_cohort:add GET": "LLLNNNNYY",
    "wagtailsnippets_courses_cohort:add POST": "LLLNNNNYY",
    "wagtailsnippets_courses_cohort:edit GET": "LLLNNNNYY",
    "wagtailsnippets_courses_cohort:edit POST": "LLLNNNNYY",
    "wagtailsnippets_courses_cohort:delete GET": "LLLNNNNYY",
    "wagtailsnippets_courses_cohort:delete POST": "LLLNNNNYY",
    "wagtailsnippets_courses_cohort:usage GET": "LLLNNNNYY",
    "wagtailsnippets_courses_cohort:history GET": "LLLNNNNYY",
    "wagtailsnippets_courses_cohort:history_results GET": "LLLNNNNYY",
    "wagtailsnippetchoosers_courses_cohort:choose GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_cohort:choose_results GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_cohort:chosen GET": "LLLNNNNYY",
    "wagtailsnippetchoosers_courses_cohort:chosen_multiple GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_cohort:create GET": "LLLNNNNNN",
    "wagtailsnippetchoosers_courses_cohort:create POST": "LLLNNNNNN",
    "wagtailsnippets_courses_livesession:list GET": "LLLYNYYNY",
    "wagtailsnippets_courses_livesession:list_results GET": "LLLYNYYNY",
    "wagtailsnippets_courses_livesession:add GET": "LLLYNYNNY",
    "wagtailsnippets_courses_livesession:edit GET": "LLLNNYNNY",
    "wagtailsnippets_courses_livesession:delete GET": "LLLNNYNNY",
    "wagtailsnippets_courses_livesession:delete POST": "LLLNNYNNY",
    "wagtailsnippets_courses_livesession:usage GET": "LLLNNYNNY",
    "wagtailsnippets_courses_livesession:history GET": "LLLNNYNNY",
    "wagtailsnippets_courses_livesession:history_results GET": "LLLNNYNNY",
    "wagtailsnippets_courses_livesession:register GET": "LLLNNNYNY",
    "wagtailsnippets_courses_livesession:register POST": "LLLNNNYNY",
    "wagtailsnippets_courses_livesession:regenerate_code GET": "LLLMMMMMM",
    "wagtailsnippets_courses_livesession:regenerate_code POST": "LLLNNNYNY",
    "wagtailsnippetchoosers_courses_livesession:choose GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_livesession:choose_results GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_livesession:chosen GET": "LLLNNYYNY",
    "wagtailsnippetchoosers_courses_livesession:chosen_multiple GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_livesession:create GET": "LLLNNNNNN",
    "wagtailsnippetchoosers_courses_livesession:create POST": "LLLNNNNNN",
    # Webhooks: administrators only (an endpoint hears of every course)
    "webhook_endpoints:index GET": "LLLNNNNNY",
    "webhook_endpoints:index_results GET": "LLLNNNNNY",
    "webhook_endpoints:add GET": "LLLNNNNNY",
    "webhook_endpoints:add POST": "LLLNNNNNY",
    "webhook_endpoints:edit GET": "LLLNNNNNY",
    "webhook_endpoints:edit POST": "LLLNNNNNY",
    "webhook_endpoints:delete GET": "LLLNNNNNY",
    "webhook_endpoints:delete POST": "LLLNNNNNY",
    "webhook_endpoints:history GET": "LLLNNNNNY",
    "webhook_endpoints:history_results GET": "LLLNNNNNY",
    "webhook_endpoints:usage GET": "LLLNNNNNY",
    "webhook_deliveries:index GET": "LLLNNNNNY",
    "webhook_deliveries:index_results GET": "LLLNNNNNY",
    "webhook_deliveries:send_again GET": "LLLMMMMMM",
    "webhook_deliveries:send_again POST": "LLLNNNNNY",
    # Content shared by courses (model permissions): course authors write
    # quizzes and assignments (deleting them is left to administrators) and
    # read the competence frameworks
    "wagtailsnippets_courses_competence:list GET": "LLLNNYNNY",
    "wagtailsnippets_courses_competence:list_results GET": "LLLNNYNNY",
    "wagtailsnippets_courses_competence:add GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competence:edit GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competence:delete GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competence:usage GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competence:history GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competence:history_results GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competence:copy GET": "LLLNNNNNY",
    "wagtailsnippetchoosers_courses_competence:choose GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_competence:choose_results GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_competence:chosen GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_competence:chosen_multiple GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_competence:create GET": "LLLNNNNNN",
    "wagtailsnippets_courses_framework:list GET": "LLLNNYNNY",
    "wagtailsnippets_courses_framework:list_results GET": "LLLNNYNNY",
    "wagtailsnippets_courses_framework:add GET": "LLLNNNNNY",
    "wagtailsnippets_courses_framework:edit GET": "LLLNNNNNY",
    "wagtailsnippets_courses_framework:delete GET": "LLLNNNNNY",
    "wagtailsnippets_courses_framework:usage GET": "LLLNNNNNY",
    "wagtailsnippets_courses_framework:history GET": "LLLNNNNNY",
    "wagtailsnippets_courses_framework:history_results GET": "LLLNNNNNY",
    "wagtailsnippets_courses_framework:copy GET": "LLLNNNNNY",
    "wagtailsnippetchoosers_courses_framework:choose GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_framework:choose_results GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_framework:chosen GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_framework:chosen_multiple GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_framework:create GET": "LLLNNNNNN",
    "wagtailsnippets_courses_competencearea:list GET": "LLLNNYNNY",
    "wagtailsnippets_courses_competencearea:list_results GET": "LLLNNYNNY",
    "wagtailsnippets_courses_competencearea:add GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competencearea:edit GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competencearea:delete GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competencearea:usage GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competencearea:history GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competencearea:history_results GET": "LLLNNNNNY",
    "wagtailsnippets_courses_competencearea:copy GET": "LLLNNNNNY",
    "wagtailsnippetchoosers_courses_competencearea:choose GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_competencearea:choose_results GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_competencearea:chosen GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_competencearea:chosen_multiple GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_competencearea:create GET": "LLLNNNNNN",
    "wagtailsnippets_courses_quiz:list GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:list_results GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:add GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:edit GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:delete GET": "LLLNNNNNY",
    "wagtailsnippets_courses_quiz:delete POST": "LLLNNNNNY",
    "wagtailsnippets_courses_quiz:usage GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:history GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:history_results GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:copy GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:revisions_revert GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:revisions_compare GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:revisions_unschedule GET": "LLLNNYNNY",
    "wagtailsnippets_courses_quiz:unpublish GET": "LLLNNYNNY",
    "wagtailsnippetchoosers_courses_quiz:choose GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_quiz:choose_results GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_quiz:chosen GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_quiz:chosen_multiple GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_quiz:create GET": "LLLNNYNNY",
    "wagtailsnippetchoosers_courses_quiz:create POST": "LLLNNYNNY",
    "wagtailsnippets_courses_assignment:list GET": "LLLNNYNNY",
    "wagtailsnippets_courses_assignment:list_results GET": "LLLNNYNNY",
    "wagtailsnippets_courses_assignment:add GET": "LLLNNYNNY",
    "wagtailsnippets_courses_assignment:edit GET": "LLLNNYNNY",
    "wagtailsnippets_courses_assignment:delete GET": "LLLNNNNNY",
    "wagtailsnippets_courses_assignment:usage GET": "LLLNNYNNY",
    "wagtailsnippets_courses_assignment:history GET": "LLLNNYNNY",
    "wagtailsnippets_courses_assignment:history_results GET": "LLLNNYNNY",
    "wagtailsnippets_courses_assignment:copy GET": "LLLNNYNNY",
    "wagtailsnippetchoosers_courses_assignment:choose GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_assignment:choose_results GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_assignment:chosen GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_assignment:chosen_multiple GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_courses_assignment:create GET": "LLLNNNNNN",
    "certificate_templates:list GET": "LLLNNNNNY",
    "certificate_templates:list_results GET": "LLLNNNNNY",
    "certificate_templates:add GET": "LLLNNNNNY",
    "certificate_templates:edit GET": "LLLNNNNNY",
    "certificate_templates:delete GET": "LLLNNNNNY",
    "certificate_templates:usage GET": "LLLNNNNNY",
    "certificate_templates:history GET": "LLLNNNNNY",
    "certificate_templates:history_results GET": "LLLNNNNNY",
    "certificate_templates:copy GET": "LLLNNNNNY",
    "certificate_templates:preview_on_add GET": "LLLNNNNNY",
    "certificate_templates:preview_on_edit GET": "LLLNNNNNY",
    "certificate_templates:revisions_view GET": "LLLNNNNNY",
    "certificate_templates:revisions_revert GET": "LLLNNNNNY",
    "certificate_templates:revisions_compare GET": "LLLNNNNNY",
    "certificate_templates:revisions_unschedule GET": "LLLNNNNNY",
    "certificate_templates:unpublish GET": "LLLNNNNNY",
    "certificate_templates:sample GET": "LLLNNNNNY",
    "wagtailsnippetchoosers_certificates_certificatetemplate:choose GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_certificates_certificatetemplate:choose_results GET":
        "LLLYYYYYY",
    "wagtailsnippetchoosers_certificates_certificatetemplate:chosen GET": "LLLYYYYYY",
    "wagtailsnippetchoosers_certificates_certificatetemplate:chosen_multiple GET":
        "LLLYYYYYY",
    "wagtailsnippetchoosers_certificates_certificatetemplate:create GET": "LLLNNNNNN",
    "wagtailsnippets_certificates_coursecertificatesettings:list GET": "LLLNNNNNY",
    "wagtailsnippets_certificates_coursecertificatesettings:list_results GET":
        "LLLNNNNNY",
    "wagtailsnippets_certificates_coursecertificatesettings:add GET": "LLLNNNNNY",
    "wagtailsnippets_certificates_coursecertificatesettings:edit GET": "LLLNNNNNY",
    "wagtailsnippets_certificates_coursecertificatesettings:delete GET": "LLLNNNNNY",
    "wagtailsnippets_certificates_coursecertificatesettings:usage GET": "LLLNNNNNY",
    "wagtailsnippets_certificates_coursecertificatesettings:history GET": "LLLNNNNNY",
    "wagtailsnippets_certificates_coursecertificatesettings:history_results GET":
        "LLLNNNNNY",
    "wagtailsnippets_certificates_coursecertificatesettings:copy GET": "LLLNNNNNY",
    "wagtailsnippetchoosers_certificates_coursecertificatesettings:choose GET":
        "LLLYYYYYY",
    "wagtailsnippetchoosers_certificates_coursecertificatesettings:choose_results GET":
        "LLLYYYYYY",
    "wagtailsnippetchoosers_certificates_coursecertificatesettings:chosen GET":
        "LLLYYYYYY",
    "wagtailsnippetchoosers_certificates_coursecertificatesettings:chosen_multiple GET":
        "LLLYYYYYY",
    "wagtailsnippetchoosers_certificates_coursecertificatesettings:create GET":
        "LLLNNNNNN",
}
# fmt: on

#: Routes that are not the plugin's: Wagtail's admin must send every learner to
#: sign in; the rest (allauth's pages, Wagtail's page serving, media files) are
#: decided by their own packages and are not cells of this table.
FOREIGN_ADMIN = re.compile(
    r"^(wagtail(?!snippets_courses_|snippets_certificates_|snippetchoosers_courses_|"
    r"snippetchoosers_certificates_)|simple_translation:|admin/)"
)
NOT_CHECKED = re.compile(
    r"^(account_|wagtailcore_|wagtail_serve|\^media/|api-v1:(?!openapi|api-root)|"
    # Wagtail's public admin pages: signing in, resetting a password, the icons
    # and translations the sign-in page loads; and documents, which Wagtail
    # serves by its own privacy rules.
    r"wagtailadmin_(login|password_reset|sprite|javascript_catalog)|wagtaildocs_)"
)


def classify(response, method: str) -> str:
    status = response.status_code
    if status == 401:
        return "L"
    if status in (301, 302, 303):
        target = response["Location"]
        if "login" in target:
            return "L"
        if target.rstrip("/").endswith("/admin") or refused_with_message(response):
            return "N"
        return "Y"
    if status in (403, 404):
        return "N"
    if status == 405:
        return "M"
    if status in (400, 422) or (
        method == "POST" and status == 200 and is_form(response)
    ):
        return "F"
    if status < 300:
        return "Y"
    return f"?{status}"


def refused_with_message(response) -> bool:
    """A redirect that carries an error message: refused, and told why."""
    storage = getattr(response.wsgi_request, "_messages", None)
    return any(
        message.level >= messages.ERROR
        for message in getattr(storage, "_queued_messages", [])
    )


def is_form(response) -> bool:
    """An HTML page that shows a form again with its errors."""
    return response.get("Content-Type", "").startswith("text/html") and (
        b"w-field__errors-icon" in response.content
        or b'class="errorlist' in response.content
    )


def operations() -> list[tuple[str, str]]:
    """(METHOD, path) of every operation in the API's OpenAPI schema."""
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path)
        for path, methods in schema["paths"].items()
        for method in methods
    ]


def pk_for(name: str, world) -> int:
    """The id of the world's record that a route of this name shows."""
    objects = {
        "cohort:delete": world.spare_cohort,
        "livesession:delete": world.spare_session,
        "cohort": world.cohort,
        "livesession": world.session,
        "quiz": world.quiz,
        "assignment": world.assignment,
        "competence": Competence.objects.first(),
        "competencearea": CompetenceArea.objects.first(),
        "framework": Framework.objects.first(),
        "certificatetemplate": world.template,
        "coursecertificatesettings": world.course_settings,
        "submissions": world.submission,
        "submissions:moderate_comment": world.peer_review,
        "certificates_admin:bulk_job": world.bulk_job,
        "certificates_admin:bulk_job_status": world.bulk_job,
        "certificates_admin": world.certificate,
        "certificates:pd_record_delete": world.external_certificate,
        "certificates:pd_record_file": world.external_certificate,
        "certificates": world.certificate,
        "webhook_endpoints": WebhookEndpoint.objects.first(),
        "webhook_deliveries": WebhookDelivery.objects.first(),
    }
    namespace, _, action = name.partition(":")
    model = {"certificate_templates": "certificatetemplate"}.get(
        namespace, namespace.rsplit("_", 1)[-1] if "snippet" in namespace else namespace
    )
    return (objects.get(f"{model}:{action}") or objects[model]).pk


def url_for(name: str, world) -> str:
    values = {
        **world.url_values(),
        "revision_id": world.quiz_revision.pk,
        "revision_id_a": "earliest",
        "revision_id_b": "latest",
        "page_id": world.lesson.pk,
        "app_label": "courses",
        "model_name": "cohort",
        "action": "delete",
    }
    if name == "courses:quiz_start":
        values["lesson_id"] = world.quiz_lesson.pk
    if name.startswith("certificate_templates:"):
        values["revision_id"] = world.template_revision.pk
    kwargs = {
        param: pk_for(name, world) if param == "pk" else values[param]
        for param in ROUTES[name].params
    }
    return reverse(name, kwargs=kwargs) + QUERIES.get(name, lambda w: "")(world)


#: Query strings a route needs to show anything.
QUERIES = {
    "certificates_admin:zip": lambda w: f"?course={w.course.pk}",
}


ROUTES = {route.name: route for route in site_routes()}


def _csv(world) -> dict:
    upload = SimpleUploadedFile(
        "learners.csv", b"email,first_name,last_name\nnew@example.com,Ieva,Liepa\n"
    )
    return {"course": world.course.pk, "file": upload}


def _endpoint_form() -> dict:
    # A literal public address: no name to resolve in a test.
    return {
        "name": "HR",
        "url": "https://93.184.215.14/lms",
        "events": ["lesson.completed"],
        "active": "on",
    }


def _issued_pdf(world) -> bytes:
    return ensure_pdf(world.certificate).pdf.open("rb").read()


#: What a state-changing request posts, per route: a real form or body, so that
#: a refusal is a refusal of the person, not of the input.
POSTS = {
    "set_language": lambda w: {"language": "en", "next": "/"},
    "courses:enrol": lambda w: {"key": "STEM-DAUGAVPILS"},
    "courses:complete_lesson": lambda w: {},
    "courses:check_in": lambda w: {"code": "AB3CD4"},
    "courses:reset_calendar_feed": lambda w: {},
    "courses:quiz_start": lambda w: {},
    "courses:quiz_submit": lambda w: {},
    "courses:assignment": lambda w: {"text": "A lesson plan."},
    "courses_deactivate_user": lambda w: {"confirm": "on"},
    "courses_export_person": lambda w: {"reason": "Access request 2026/14"},
    "courses_erase_person": lambda w: {
        "reason": "Erasure request 2026/15",
        "confirm": w.users["learner"].email,
    },
    "webhook_endpoints:add": lambda w: _endpoint_form(),
    "webhook_endpoints:edit": lambda w: _endpoint_form(),
    "webhook_endpoints:delete": lambda w: {},
    "webhook_deliveries:send_again": lambda w: {},
    "certificates_admin:issue": lambda w: {
        "course": w.course.pk,
        "email": w.users["learner"].email,
        "reason": "Register",
    },
    "certificates_admin:revoke": lambda w: {
        "reason": "Issued by mistake.",
        "category": "error",
    },
    "certificates_admin:reissue": lambda w: {"reason": "Name corrected."},
    "certificates_admin:bulk": lambda w: {"course": w.course.pk},
    "certificates_admin:zip_form": lambda w: {"course": w.course.pk},
    "enrol_csv:index": _csv,
    "certificates:pd_record": lambda w: {
        "title": "STEM metodika",
        "provider": "Daugavpils Universitāte",
        "hours": "8",
        "completed_on": "2026-01-15",
    },
    "certificates:pd_record_delete": lambda w: {},
    "certificates:verify_file": lambda w: {
        "file": SimpleUploadedFile("certificate.pdf", _issued_pdf(w))
    },
    "submissions:edit": lambda w: {"status": "accepted", "feedback": "Good."},
    "submissions:moderate_comment": lambda w: {"decision": "approved"},
    "courses:peer_comment": lambda w: {"comment": "The goals are clear."},
    "wagtailsnippets_courses_cohort:add": lambda w: {
        "course": w.course.pk,
        "name": "Valmiera",
    },
    "wagtailsnippets_courses_cohort:edit": lambda w: {
        "course": w.course.pk,
        "name": "Daugavpils 2",
    },
    # A cohort and a session no learner's record refers to (deleting those
    # that have some is refused for everyone: tests/security/test_scoping.py).
    "wagtailsnippets_courses_cohort:delete": lambda w: {},
    "wagtailsnippets_courses_livesession:delete": lambda w: {},
    "wagtailsnippets_courses_livesession:register": lambda w: {},
    "wagtailsnippets_courses_livesession:regenerate_code": lambda w: {},
    "wagtailsnippets_courses_quiz:delete": lambda w: {},
    "wagtailsnippetchoosers_courses_livesession:create": lambda w: {},
    "wagtailsnippetchoosers_courses_cohort:create": lambda w: {},
    "wagtailsnippetchoosers_courses_quiz:create": lambda w: quiz_form_data(
        True, "quiz-chooser-create"
    ),
    "POST /api/v1/courses/{course_id}/enrol": lambda w: {"key": "STEM-DAUGAVPILS"},
    "POST /api/v1/lessons/{lesson_id}/complete": lambda w: {},
    "POST /api/v1/sessions/{session_id}/check-in": lambda w: {"code": "AB3CD4"},
    "POST /api/v1/quizzes/{quiz_id}/attempts": lambda w: {},
    "POST /api/v1/attempts/{attempt_id}/submit": lambda w: {"answers": {}},
    "courses_api_tokens_add": lambda w: {
        "name": "Registry",
        "scope": "read",
        "days": "30",
    },
    "courses_api_tokens_revoke": lambda w: {},
    "POST /api/v1/staff/courses/{course_id}/enrolments": lambda w: {
        "email": "Ieva.Liepa@example.com",
        "first_name": "Ieva",
        "last_name": "Liepa",
    },
    "POST /api/v1/staff/enrolments/{enrolment_id}/withdraw": lambda w: {},
    "POST /api/v1/staff/enrolments/{enrolment_id}/certificate": lambda w: {
        "reason": "Register"
    },
    "POST /api/v1/staff/certificates/{serial}/reissue": lambda w: {
        "reason": "Name corrected."
    },
    "POST /api/v1/staff/certificates/{serial}/revoke": lambda w: {
        "reason": "Issued by mistake.",
        "category": "error",
    },
    "POST /api/v1/staff/courses/{course_id}/bulk-issues": lambda w: {},
}


def api_url(path: str, world) -> str:
    values = {
        "course_id": world.course.pk,
        "lesson_id": world.lesson.pk,
        "session_id": world.session.pk,
        "attempt_id": world.attempt.pk,
        "assignment_id": world.assignment.pk,
        "quiz_id": world.quiz.pk,
        "code": world.certificate.verification_code,
        "serial": world.certificate.serial,
        "enrolment_id": world.certificate.enrolment_id,
        "job_id": world.bulk_job.pk,
    }
    return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)


def cells() -> list[str]:
    """Every key the table must have a row for."""
    keys = []
    api_paths = {path for _, path in operations()}
    for name, route in ROUTES.items():
        if NOT_CHECKED.match(name):
            continue
        if (
            name.startswith("api-v1:")
            and "/" + route.route.replace("<", "{").replace(">", "}") in api_paths
        ):
            continue
        keys.append(f"{name} GET")
        if name in POSTS:
            keys.append(f"{name} POST")
    keys += [f"{method} {path}" for method, path in operations()]
    return keys


def request(world, role: str, key: str):
    return send(world.client(role, raise_request_exception=False), world, key)


def send(client, world, key: str):
    if key.startswith(("GET /", "POST /")):
        method, path = key.split(" ", 1)
        url = api_url(path, world)
        if method == "GET":
            return client.get(url)
        if "submissions" in path:
            return client.post(url, {"text": "A lesson plan."})
        body = POSTS[key](world)
        return client.post(url, json.dumps(body), content_type="application/json")
    name, method = key.rsplit(" ", 1)
    url = (
        url_for(name, world) if name in EXPECTED_NAMES else path_with(ROUTES[name], "1")
    )
    if method == "GET":
        return client.get(url)
    return client.post(url, POSTS[name](world))


def observe(world, role: str, key: str) -> str:
    # Each request in a savepoint that is rolled back: what one cell changes,
    # the next does not see.
    with transaction.atomic():
        outcome = classify(
            request(world, role, key),
            key.split(" ")[-1]
            if not key.startswith(("GET /", "POST /"))
            else key.split(" ")[0],
        )
        transaction.set_rollback(True)
    return outcome


def expected_for(key: str, role: str) -> str:
    name = key.rsplit(" ", 1)[0]
    if key in EXPECTED:
        return EXPECTED[key][ROLES.index(role)]
    if FOREIGN_ADMIN.match(name):
        # Nobody outside the admin gets into Wagtail's admin.
        return "L" if role in ("anonymous", "learner", "other_learner") else "-"
    raise KeyError(key)


def foreign_url(name: str) -> str:
    """A URL of a route that is not the plugin's, with 1 for every parameter."""
    route = ROUTES[name]
    try:
        return reverse(name, kwargs=dict.fromkeys(route.params, "1"))
    except NoReverseMatch:
        return path_with(route, "1")


EXPECTED_NAMES = {key.rsplit(" ", 1)[0] for key in EXPECTED}


def test_every_url_and_operation_has_a_row():
    """A URL or API operation added without deciding who may use it fails."""
    missing = []
    for key in cells():
        try:
            expected_for(key, "anonymous")
        except KeyError:
            missing.append(key)
    assert missing == [], "Rows missing from EXPECTED:\n" + "\n".join(missing)
    assert set(EXPECTED) <= set(cells()), set(EXPECTED) - set(cells())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(world, role):
    wrong = []
    checked = 0
    for key in cells():
        try:
            expected = expected_for(key, role)
        except KeyError:
            continue
        if expected == "-":
            continue
        checked += 1
        outcome = observe(world, role, key)
        if outcome != expected:
            wrong.append(f"{key}: expected {expected}, got {outcome}")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
    print(f"{role}: {checked} cells")


#: The staff operations, which also take a personal token.
STAFF_OPERATIONS = [key for key in EXPECTED if " /api/v1/staff/" in key]


@pytest.mark.parametrize("role", ROLES[1:])
def test_a_token_gets_what_its_owners_session_gets(world, role):
    """A token that may write acts with its owner's rights and no more: each
    staff operation answers it as the table says it answers the owner."""
    _token, secret = create_token(
        world.users[role], "Registry", "write", timezone.now() + timedelta(days=1)
    )
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="en",
        raise_request_exception=False,
    )
    wrong = []
    for key in STAFF_OPERATIONS:
        with transaction.atomic():
            outcome = classify(send(client, world, key), key.split(" ")[0])
            transaction.set_rollback(True)
        if outcome != expected_for(key, role):
            wrong.append(f"{key}: expected {expected_for(key, role)}, got {outcome}")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
