"""Factories for quizzes and assignments: one question of each type, with fixed ids
so tests can name them."""

from __future__ import annotations

import uuid

from wagtail.models import Locale
from wagtail.test.utils.form_data import nested_form_data, streamfield

from courses.models import Assignment, Competence, Quiz

SINGLE = "0a000000-0000-4000-8000-000000000001"
MULTIPLE = "0a000000-0000-4000-8000-000000000002"
TRUE_FALSE = "0a000000-0000-4000-8000-000000000003"
NUMERIC = "0a000000-0000-4000-8000-000000000004"
TEXT = "0a000000-0000-4000-8000-000000000005"

OPT_RIGHT = "0b000000-0000-4000-8000-000000000001"
OPT_WRONG = "0b000000-0000-4000-8000-000000000002"
OPT_M1 = "0b000000-0000-4000-8000-000000000011"
OPT_M2 = "0b000000-0000-4000-8000-000000000012"
OPT_M3 = "0b000000-0000-4000-8000-000000000013"

#: All answers right, in grade()'s shape.
CORRECT = {
    SINGLE: OPT_RIGHT,
    MULTIPLE: [OPT_M1, OPT_M2],
    TRUE_FALSE: False,
    NUMERIC: "9.81",
    TEXT: "Lietpratība",
}

#: Feedback texts that must not reach the browser before submission.
FEEDBACK = {
    SINGLE: "Backward design starts with outcomes.",
    MULTIPLE: "Collaboration and digital literacy are transversal skills.",
    TRUE_FALSE: "Knowledge of concepts still matters.",
    NUMERIC: "Free fall accelerates at about 9.81 m/s².",
    TEXT: "Lietpratība is the Latvian word for competence.",
}


def _item(item_id: str, value) -> dict:
    return {"type": "item", "id": item_id, "value": value}


def question_data(points: int = 1) -> list[dict]:
    return [
        {
            "type": "single",
            "id": SINGLE,
            "value": {
                "text": "Where does backward design start?",
                "points": points,
                "feedback": FEEDBACK[SINGLE],
                "options": [
                    _item(
                        OPT_WRONG, {"text": "With textbook chapters", "correct": False}
                    ),
                    _item(
                        OPT_RIGHT, {"text": "With learner outcomes", "correct": True}
                    ),
                ],
            },
        },
        {
            "type": "multiple",
            "id": MULTIPLE,
            "value": {
                "text": "Which are transversal skills?",
                "points": points,
                "feedback": FEEDBACK[MULTIPLE],
                "options": [
                    _item(OPT_M1, {"text": "Collaboration", "correct": True}),
                    _item(OPT_M2, {"text": "Digital literacy", "correct": True}),
                    _item(OPT_M3, {"text": "Memorisation", "correct": False}),
                ],
            },
        },
        {
            "type": "true_false",
            "id": TRUE_FALSE,
            "value": {
                "text": "Concepts become unimportant.",
                "points": points,
                "feedback": FEEDBACK[TRUE_FALSE],
                "answer": False,
            },
        },
        {
            "type": "numeric",
            "id": NUMERIC,
            "value": {
                "text": "g in m/s²?",
                "points": points,
                "feedback": FEEDBACK[NUMERIC],
                "answer": "9.81",
                "tolerance": "0.05",
            },
        },
        {
            "type": "short_text",
            "id": TEXT,
            "value": {
                "text": "The Latvian word for competence?",
                "points": points,
                "feedback": FEEDBACK[TEXT],
                "answers": [_item(str(uuid.uuid4()), "Lietpratība")],
                "match": "normalised",
            },
        },
    ]


def make_quiz(**kwargs) -> Quiz:
    kwargs.setdefault("title", "Pārbaudes tests")
    kwargs.setdefault("questions", question_data())
    kwargs.setdefault("pass_mark", 60)
    kwargs.setdefault("max_attempts", 3)
    kwargs.setdefault("locale", Locale.get_default())
    return Quiz.objects.create(**kwargs)


def make_assignment(page, competences: list[Competence] = (), **kwargs) -> Assignment:
    kwargs.setdefault("title", "Mācību temats")
    kwargs.setdefault("instructions", "<p>Izstrādājiet mācību tematu.</p>")
    kwargs.setdefault("locale", page.locale)
    assignment = Assignment(page=page, **kwargs)
    assignment.competences = list(competences)
    assignment.save()
    return assignment


def quiz_form_data(correct: bool, prefix: str = "", **fields) -> dict:
    """A quiz of one single-choice question as the quiz editor posts it, with
    the right option marked or not; each name after ``prefix`` when given."""
    options = [
        ("item", {"text": "With textbook chapters", "correct": "false"}),
        (
            "item",
            {"text": "With learner outcomes", "correct": "on" if correct else "false"},
        ),
    ]
    data = nested_form_data(
        {
            "title": "Backward design",
            "intro": "",
            "questions": streamfield(
                [
                    (
                        "single",
                        {
                            "text": "Where does backward design start?",
                            "points": "1",
                            "feedback": "",
                            "feedback_correct": "",
                            "feedback_incorrect": "",
                            "options": streamfield(options),
                        },
                    )
                ]
            ),
            "pass_mark": "60",
            "max_attempts": "3",
            "time_limit_minutes": "",
            **fields,
        }
    )
    return {
        f"{prefix}-{name}" if prefix else name: value for name, value in data.items()
    }
