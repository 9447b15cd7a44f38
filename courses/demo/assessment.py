"""The demo programme's quizzes (one per module, linked from its last lesson) and its
practical assignment, in Latvian and English. Safe to run again: translation keys
and block ids are derived from the module slugs, so nothing is created twice."""

from __future__ import annotations

import uuid

from wagtail.models import Locale

from courses.models import (
    Assignment,
    Competence,
    CoursePage,
    LessonPage,
    ModulePage,
    Quiz,
)

#: Fixed namespace: the same slug gives the same key on every run and every site.
DEMO_NAMESPACE = uuid.UUID("6f0d5c38-5a43-4f0e-9a0e-3f3b8f1f4a21")


def _key(*parts: object) -> str:
    return str(uuid.uuid5(DEMO_NAMESPACE, ":".join(str(p) for p in parts)))


def question_blocks(slug: str, questions: list[dict], lang: str) -> list[dict]:
    """Raw StreamField data for a quiz's questions. The ids are shared by both
    languages, so an attempt's answers fit either translation."""
    blocks = []
    for n, data in enumerate(questions):
        value = {
            "text": data["text"][lang],
            "points": data.get("points", 1),
            "feedback": data.get("feedback", {}).get(lang, ""),
            "feedback_correct": data.get("feedback_correct", {}).get(lang, ""),
            "feedback_incorrect": data.get("feedback_incorrect", {}).get(lang, ""),
        }
        kind = data["type"]
        if kind in ("single", "multiple"):
            value["options"] = [
                {
                    "type": "item",
                    "id": _key(slug, n, m),
                    "value": {
                        "text": option["text"][lang],
                        "correct": option["correct"],
                    },
                }
                for m, option in enumerate(data["options"])
            ]
        elif kind == "true_false":
            value["answer"] = data["answer"]
        elif kind == "numeric":
            value["answer"] = str(data["answer"])
            value["tolerance"] = str(data.get("tolerance", 0))
        elif kind == "short_text":
            value["answers"] = [
                {"type": "item", "id": _key(slug, n, m), "value": answer}
                for m, answer in enumerate(data["answers"][lang])
            ]
            value["match"] = "normalised"
        blocks.append({"type": kind, "id": _key(slug, n), "value": value})
    return blocks


def ensure_quizzes(data: dict, courses: dict[str, CoursePage]) -> list[Quiz]:
    """A quiz per module, passed to complete the module's last lesson."""
    quizzes = []
    for module_data in data["modules"]:
        quiz_data = module_data.get("quiz")
        if not quiz_data:
            continue
        key = _key("quiz", module_data["slug"])
        for lang, course in courses.items():
            locale = Locale.objects.get(language_code=lang)
            quiz = Quiz.objects.filter(translation_key=key, locale=locale).first()
            if quiz is None:
                quiz = Quiz.objects.create(
                    translation_key=key,
                    locale=locale,
                    title=quiz_data["title"][lang],
                    questions=question_blocks(
                        module_data["slug"], quiz_data["questions"], lang
                    ),
                    pass_mark=quiz_data["pass_mark"],
                    max_attempts=quiz_data["max_attempts"],
                    time_limit_minutes=quiz_data["time_limit_minutes"],
                )
            quizzes.append(quiz)
            module = ModulePage.objects.child_of(course).get(slug=module_data["slug"])
            # The module's last lesson in the programme (lessons added later,
            # such as the package lessons, come after it).
            lesson = (
                LessonPage.objects.child_of(module)
                .filter(slug=module_data["lessons"][-1]["slug"])
                .first()
            )
            if lesson is not None and lesson.quiz_id is None:
                lesson.quiz = quiz
                lesson.completion_rule = LessonPage.CompletionRule.ACTIVITY
                lesson.save_revision().publish()
    return quizzes


def ensure_assignment(data: dict, courses: dict[str, CoursePage]) -> list[Assignment]:
    """The course's practical assignment, linked to its module."""
    assignment_data = data.get("assignment")
    if not assignment_data:
        return []
    key = _key("assignment", assignment_data["module"])
    competences = [
        Competence.objects.get(framework__code=framework, code=code)
        for framework, code in assignment_data["competences"]
    ]
    assignments = []
    for lang, course in courses.items():
        locale = Locale.objects.get(language_code=lang)
        assignment = Assignment.objects.filter(
            translation_key=key, locale=locale
        ).first()
        if assignment is None:
            assignment = Assignment(
                translation_key=key,
                locale=locale,
                title=assignment_data["title"][lang],
                instructions=assignment_data["instructions"][lang],
                page=ModulePage.objects.child_of(course).get(
                    slug=assignment_data["module"]
                ),
                # Teachers comment on two colleagues' units.
                peer_feedback=True,
                peer_reviews_per_learner=2,
            )
            assignment.competences = competences
            assignment.save()
        assignments.append(assignment)
    return assignments
