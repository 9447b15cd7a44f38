"""What every certificate of one course shares (its template, language versions,
competences, hours and design), gathered once per course, also for a bulk issue."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from certificates.issuing.errors import IssuingError
from certificates.models import CertificateTemplate, CourseCertificateSettings
from certificates.snapshot import frozen_design
from courses.models import CoursePage


def template_for(course_key: Any) -> tuple[CertificateTemplate, bool]:
    """The live template a course uses (or the default) and whether completion
    issues automatically."""
    chosen = (
        CourseCertificateSettings.objects.filter(course_key=course_key)
        .select_related("template")
        .first()
    )
    if chosen is not None and chosen.template.live:
        return chosen.template, chosen.issue_automatically
    default = CertificateTemplate.objects.filter(is_default=True, live=True).first()
    if default is None:
        raise IssuingError(
            _("No certificate template: choose one for the course or mark a default.")
        )
    return default, chosen.issue_automatically if chosen else True


@dataclass
class CourseFacts:
    """What every certificate of one course shares, gathered once per course."""

    template: CertificateTemplate
    issue_automatically: bool
    courses: dict[str, CoursePage]
    competences: list[dict[str, str]]
    total_hours: Decimal
    logos: list[str]
    signatories: list[dict[str, Any]]


def course_facts(course: CoursePage) -> CourseFacts:
    template, automatic = template_for(course.translation_key)
    courses = {
        page.locale.language_code: page
        for page in CoursePage.objects.filter(
            translation_key=course.translation_key
        ).select_related("locale")
    }
    competences = [
        {
            "framework": link.competence.framework.code,
            "code": link.competence.code,
            "name": link.competence.name,
            "name_lv": link.competence.name_lv,
            "level": link.target_level.code if link.target_level else "",
        }
        for link in course.get_competences()
    ]
    logos, signatories = frozen_design(template)
    return CourseFacts(
        template=template,
        issue_automatically=automatic,
        courses=courses,
        competences=competences,
        total_hours=course.total_hours,
        logos=logos,
        signatories=signatories,
    )
