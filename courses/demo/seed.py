"""The demo programme: Daugavpils University's course for STEM teachers, in Latvian
with an English translation, plus demo accounts. Safe to run again: whatever exists
(matched by slug, code or username) is left as it is, except the default site,
which follows the configured address."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from wagtail.models import Locale, Page, Site
from wagtail.users.models import UserProfile

from courses.competences.frameworks import load_frameworks
from courses.demo.assessment import ensure_assignment, ensure_quizzes
from courses.demo.packages import ensure_package_lessons
from courses.demo.peer import ensure_peer_feedback
from courses.demo.sessions import ensure_demo_attendance, ensure_sessions
from courses.enrolment.enrolling import enrol
from courses.models import (
    Cohort,
    Competence,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    FrameworkLevel,
    LessonPage,
    ModuleCompetence,
    ModulePage,
)
from courses.people.accounts import confirm_email
from courses.roles import (
    COURSE_AUTHORS,
    PROGRAMME_ADMINISTRATORS,
    SITE_ADMINISTRATORS,
    TUTORS,
    ensure_roles,
)
from courses.site import base_url, host_and_port

PROGRAMME = Path(__file__).resolve().parent / "programme.json"
LANGUAGES = ("lv", "en")
CATALOGUE = {
    "lv": {"title": "Kursi", "intro": "<p>Tālākizglītības kursi STEM skolotājiem.</p>"},
    "en": {
        "title": "Courses",
        "intro": "<p>Further education courses for STEM teachers.</p>",
    },
}


@dataclass
class DemoAccount:
    username: str
    password: str
    role: str
    created: bool


DEMO_USERS = [
    # username, password, first name, last name, role
    ("admin", "admin-demo-2026", "Inese", "Kalniņa", "administrator"),
    ("author", "author-demo-2026", "Māris", "Bērziņš", "course author"),
    ("tutor", "tutor-demo-2026", "Līga", "Ozoliņa", "tutor"),
    (
        "programme",
        "programme-demo-2026",
        "Andris",
        "Liepiņš",
        "programme administrator",
    ),
    ("teacher", "teacher-demo-2026", "Jolanta", "Ūzuliņa", "teacher"),
]

#: The group of each staff role of the demo accounts.
DEMO_GROUPS = {
    "administrator": SITE_ADMINISTRATORS,
    "course author": COURSE_AUTHORS,
    "tutor": TUTORS,
    "programme administrator": PROGRAMME_ADMINISTRATORS,
}

#: The admin language of demo accounts that have not chosen one.
DEMO_ADMIN_LANGUAGES = {"course author": "lv"}


def _publish(page: Page) -> Page:
    page.save_revision().publish()
    return page


def _child(parent: Page, model, slug: str):
    return model.objects.child_of(parent).filter(slug=slug).first()


def _add(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    return _publish(page)


def ensure_locales() -> dict[str, Locale]:
    return {
        code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES
    }


def ensure_catalogues(locales: dict[str, Locale]) -> dict[str, CourseIndexPage]:
    """A catalogue per language, the Latvian one the default site's root."""
    root = Page.get_first_root_node()
    catalogues: dict[str, CourseIndexPage] = {}
    lv = CourseIndexPage.objects.filter(locale=locales["lv"], depth=2).first()
    if lv is None:
        lv = _add(
            root,
            CourseIndexPage(
                title=CATALOGUE["lv"]["title"],
                slug="kursi",
                intro=CATALOGUE["lv"]["intro"],
                locale=locales["lv"],
            ),
        )
    catalogues["lv"] = lv
    en = CourseIndexPage.objects.filter(
        locale=locales["en"], translation_key=lv.translation_key
    ).first()
    if en is None:
        en = _add(
            root,
            CourseIndexPage(
                title=CATALOGUE["en"]["title"],
                slug="courses",
                intro=CATALOGUE["en"]["intro"],
                locale=locales["en"],
                translation_key=lv.translation_key,
            ),
        )
    catalogues["en"] = en
    ensure_site(lv)
    return catalogues


def ensure_site(root: CourseIndexPage) -> Site:
    """The default site: ``root`` at the configured address (``base_url``), so
    the pages Wagtail links to are where e-mails and certificates send people."""
    hostname, port = host_and_port(base_url())
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return Site.objects.create(
            hostname=hostname,
            port=port,
            root_page=root,
            is_default_site=True,
            site_name="Daugavpils Universitāte",
        )
    old_root = site.root_page
    site.hostname, site.port, site.root_page = hostname, port, root
    site.save()
    # Wagtail's placeholder welcome page has no place in a course site.
    if (
        old_root.pk != root.pk
        and old_root.specific_class is Page
        and not old_root.get_children().exists()
    ):
        old_root.delete()
    return site


def _competence_links(codes: list) -> list[ModuleCompetence]:
    links = []
    for framework_code, code, level_code in codes:
        competence = Competence.objects.get(framework__code=framework_code, code=code)
        level = (
            FrameworkLevel.objects.get(framework=competence.framework, code=level_code)
            if level_code
            else None
        )
        links.append(ModuleCompetence(competence=competence, target_level=level))
    return links


def ensure_course(data: dict, catalogues: dict, locales: dict) -> dict[str, CoursePage]:
    course_data = data["course"]
    courses: dict[str, CoursePage] = {}
    translation_key = None
    for lang in LANGUAGES:
        course = _child(catalogues[lang], CoursePage, course_data["slug"])
        if course is None:
            course = CoursePage(
                title=course_data["title"][lang],
                slug=course_data["slug"],
                locale=locales[lang],
                summary=course_data["summary"][lang],
                programme_type=course_data["programme_type"],
                language_of_instruction=CoursePage.Language.BILINGUAL,
                provider_name=course_data["provider_name"][lang],
                provider_registration_number=course_data[
                    "provider_registration_number"
                ],
                approval_body=course_data["approval_body"][lang],
                approval_number=course_data["approval_number"],
                approval_date=date.fromisoformat(course_data["approval_date"]),
                funding_line=course_data["funding_line"][lang],
                self_enrolment=True,
            )
            if translation_key:
                course.translation_key = translation_key
            _add(catalogues[lang], course)
        translation_key = course.translation_key
        courses[lang] = course
    for module_data in data["modules"]:
        module_key = None
        for lang in LANGUAGES:
            module = _child(courses[lang], ModulePage, module_data["slug"])
            if module is None:
                module = ModulePage(
                    title=module_data["title"][lang],
                    slug=module_data["slug"],
                    locale=locales[lang],
                    intro=module_data["intro"][lang],
                    hours=Decimal(str(module_data["hours"])),
                )
                module.module_competences = _competence_links(
                    module_data["competences"]
                )
                if module_key:
                    module.translation_key = module_key
                _add(courses[lang], module)
            module_key = module.translation_key
            _ensure_lessons(module, module_data["lessons"], lang, locales)
    return courses


def _ensure_lessons(
    module: ModulePage, lessons: list, lang: str, locales: dict
) -> None:
    for lesson_data in lessons:
        if _child(module, LessonPage, lesson_data["slug"]) is not None:
            continue
        lesson = LessonPage(
            title=lesson_data["title"][lang],
            slug=lesson_data["slug"],
            locale=locales[lang],
            estimated_minutes=lesson_data["estimated_minutes"],
            completion_rule=lesson_data["completion_rule"],
            body=json.dumps(lesson_data["body"][lang]),
        )
        if lang != LANGUAGES[0]:
            source_module = ModulePage.objects.get(
                translation_key=module.translation_key, locale=locales[LANGUAGES[0]]
            )
            lesson.translation_key = (
                LessonPage.objects.child_of(source_module)
                .get(slug=lesson_data["slug"])
                .translation_key
            )
        _add(module, lesson)


def ensure_cohorts(course: CoursePage) -> list[Cohort]:
    open_cohort, _ = Cohort.objects.get_or_create(
        course=course,
        name="1. cikls / Cycle 1",
        defaults={"starts_on": date(2026, 9, 1), "ends_on": date(2027, 6, 30)},
    )
    keyed, _ = Cohort.objects.get_or_create(
        course=course,
        name="Daugavpils skolas / Daugavpils schools",
        defaults={
            "enrolment_key": "STEM-DAUGAVPILS",
            "capacity": 57,
            "starts_on": date(2026, 9, 1),
            "ends_on": date(2027, 6, 30),
        },
    )
    return [open_cohort, keyed]


def ensure_accounts(course: CoursePage, cohort: Cohort) -> list[DemoAccount]:
    User = get_user_model()
    accounts = []
    for username, password, first, last, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.edu",
                "is_staff": role == "administrator",
                "is_superuser": role == "administrator",
            },
        )
        if created:
            user.set_password(password)
            user.save()
        confirm_email(user)
        if role in DEMO_GROUPS:
            user.groups.add(Group.objects.get(name=DEMO_GROUPS[role]))
        if role == "tutor":
            cohort.tutors.add(user)
        if role in DEMO_ADMIN_LANGUAGES:
            profile = UserProfile.get_for_user(user)
            if not profile.preferred_language:
                profile.preferred_language = DEMO_ADMIN_LANGUAGES[role]
                profile.save(update_fields=["preferred_language"])
        if (
            role == "teacher"
            and not Enrolment.objects.filter(
                user=user, course_key=course.translation_key
            ).exists()
        ):
            enrol(user, course, cohort=cohort)
        accounts.append(DemoAccount(username, password, role, created))
    return accounts


@transaction.atomic
def seed_demo() -> list[DemoAccount]:
    data = json.loads(PROGRAMME.read_text(encoding="utf-8"))
    load_frameworks()
    ensure_roles()
    locales = ensure_locales()
    catalogues = ensure_catalogues(locales)
    courses = ensure_course(data, catalogues, locales)
    ensure_quizzes(data, courses)
    ensure_package_lessons(courses)
    assignments = ensure_assignment(data, courses)
    cohorts = ensure_cohorts(courses["lv"])
    # Other installed apps add their demo data for the course (certificates: the
    # default certificate template) without courses importing them.
    for app_config in apps.get_app_configs():
        if hasattr(app_config, "seed_demo"):
            app_config.seed_demo(courses)
    sessions = ensure_sessions(data, courses["lv"])
    accounts = ensure_accounts(courses["lv"], cohorts[0])
    if assignments:
        ensure_peer_feedback(assignments[0], courses["lv"], cohorts[0])
    ensure_demo_attendance(sessions, username="teacher")
    return accounts
