"""The demo's e-learning: a SCORM 1.2 lesson and an H5P lesson in the digital
tools module, in Latvian and English, made here from the files in
``package_files`` (our own content; nothing third-party is packed)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from string import Template

from django.core.files.uploadedfile import SimpleUploadedFile

from courses.activities.models import Activity
from courses.activities.packages import store_package
from courses.models import CoursePage, LessonPage, ModulePage

FILES = Path(__file__).resolve().parent / "package_files"
MODULE = "digital-tools-digcompedu"

SCORM_TEXTS = {
    "lv": {
        "title": "Skaņas viļņi: no simulācijas uz mērījumu",
        "slide1": (
            "Skaņa ir mehānisks vilnis: gaisa daļiņas svārstās un nodod enerģiju "
            "tālāk. Simulācijā skolēni maina frekvenci un amplitūdu un uzreiz redz, "
            "kā mainās viļņa garums un skaļums."
        ),
        "slide2_heading": "Simulācija kā hipotēze",
        "slide2": (
            "Pēc simulācijas skolēni ar mikrofona sensoru izmēra kamertoņa "
            "frekvenci un salīdzina to ar simulācijā paredzēto. Tā simulācija kļūst "
            "par hipotēzi, ko pārbauda eksperimentā."
        ),
        "question": "Kas notiek, ja skaņas frekvence gaisā divkāršojas?",
        "option_a": "Skaņas ātrums divkāršojas",
        "option_b": "Viļņa garums samazinās uz pusi",
        "option_c": "Amplitūda divkāršojas",
        "check": "Pārbaudīt",
        "right": (
            "Pareizi: skaņas ātrums gaisā nemainās, tāpēc viļņa garums samazinās "
            "uz pusi."
        ),
        "wrong": "Vēl ne. Atcerieties: v = λ · f, un ātrums gaisā nemainās.",
        "back": "Atpakaļ",
        "next": "Tālāk",
    },
    "en": {
        "title": "Sound waves: from simulation to measurement",
        "slide1": (
            "Sound is a mechanical wave: air particles oscillate and pass the energy "
            "on. In a simulation learners change the frequency and amplitude and see "
            "at once how the wavelength and loudness change."
        ),
        "slide2_heading": "A simulation as a hypothesis",
        "slide2": (
            "After the simulation learners measure a tuning fork's frequency with a "
            "microphone sensor and compare it with the simulation's prediction. The "
            "simulation becomes a hypothesis the experiment tests."
        ),
        "question": "What happens when the frequency of a sound in air doubles?",
        "option_a": "The speed of sound doubles",
        "option_b": "The wavelength halves",
        "option_c": "The amplitude doubles",
        "check": "Check",
        "right": "Right: the speed of sound in air stays the same, so the wavelength "
        "halves.",
        "wrong": "Not yet. Remember v = λ · f, and the speed in air does not change.",
        "back": "Back",
        "next": "Next",
    },
}

H5P_TEXTS = {
    "lv": {
        "title": "Pašpārbaude: formatīvā vērtēšana ar digitāliem rīkiem",
        "intro": (
            "Atbildiet uz diviem jautājumiem. Nodarbība ir pabeigta, kad vismaz puse "
            "atbilžu ir pareizas."
        ),
        "check": "Pārbaudīt",
        "result": "Pareizas atbildes: @score no @max.",
        "questions": [
            (
                "Kāds ir formatīvās vērtēšanas galvenais mērķis?",
                [
                    "Izlikt atzīmi žurnālā",
                    "Iegūt liecības, lai pielāgotu mācīšanos",
                    "Salīdzināt skolēnus savā starpā",
                ],
                1,
            ),
            (
                "Kas tiešsaistes aptaujā stundas laikā skolotājam palīdz visvairāk?",
                [
                    "Tūlītējs visas klases atbilžu kopskats",
                    "Krāsaina noformējuma veidne",
                    "Iespēja aptauju aizpildīt mājās",
                ],
                0,
            ),
        ],
    },
    "en": {
        "title": "Self-check: formative assessment with digital tools",
        "intro": (
            "Answer two questions. The lesson is done when at least half of your "
            "answers are right."
        ),
        "check": "Check",
        "result": "Right answers: @score of @max.",
        "questions": [
            (
                "What is the main purpose of formative assessment?",
                [
                    "To put a mark in the register",
                    "To gather evidence to adjust the learning",
                    "To compare learners with each other",
                ],
                1,
            ),
            (
                "What helps a teacher most in an online poll during a lesson?",
                [
                    "An instant overview of the whole class's answers",
                    "A colourful design template",
                    "Letting learners fill it in at home",
                ],
                0,
            ),
        ],
    },
}


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def scorm_package(lang: str) -> bytes:
    """The SCORM 1.2 package: its HTML and manifest in ``lang``."""
    texts = {"lang": lang, **SCORM_TEXTS[lang]}
    files = {}
    for path in sorted((FILES / "scorm").iterdir()):
        data = path.read_text(encoding="utf-8")
        if path.suffix in (".html", ".xml"):
            data = Template(data).substitute(texts)
        files[path.name] = data.encode()
    return _zip(files)


def h5p_package(lang: str) -> bytes:
    """The H5P package: our own content type and its content in ``lang``."""
    texts = H5P_TEXTS[lang]
    library = FILES / "h5p" / "H5P.StemCheck-1.0"
    files = {
        "h5p.json": json.dumps(
            {
                "title": texts["title"],
                "language": lang,
                "mainLibrary": "H5P.StemCheck",
                "embedTypes": ["div"],
                "license": "CC BY 4.0",
                "preloadedDependencies": [
                    {
                        "machineName": "H5P.StemCheck",
                        "majorVersion": 1,
                        "minorVersion": 0,
                    }
                ],
            },
            ensure_ascii=False,
        ).encode(),
        "content/content.json": json.dumps(
            {
                "intro": texts["intro"],
                "check": texts["check"],
                "result": texts["result"],
                "questions": [
                    {"text": text, "options": options, "correct": correct}
                    for text, options, correct in texts["questions"]
                ],
            },
            ensure_ascii=False,
        ).encode(),
    }
    for path in sorted(library.iterdir()):
        files[f"{library.name}/{path.name}"] = path.read_bytes()
    return _zip(files)


LESSONS = (
    # slug, the package in a language, the rule, the minimum score
    ("sound-waves-simulation", scorm_package, Activity.Rule.PASSED, None),
    ("formative-self-check", h5p_package, Activity.Rule.SCORE, 50),
)
INTRO = {
    "lv": "<p>Interaktīva nodarbība: izejiet to līdz galam, lai to pabeigtu.</p>",
    "en": "<p>An interactive lesson: work through it to the end to complete it.</p>",
}


def ensure_package_lessons(courses: dict[str, CoursePage]) -> list[LessonPage]:
    """The two package lessons at the end of the digital tools module, each
    language version playing the package in its own language."""
    lessons = []
    translation_keys: dict[str, object] = {}
    for lang, course in courses.items():
        module = ModulePage.objects.child_of(course).get(slug=MODULE)
        for slug, make, rule, min_score in LESSONS:
            lesson = LessonPage.objects.child_of(module).filter(slug=slug).first()
            if lesson is None:
                data = make(lang)
                package, _new = store_package(
                    SimpleUploadedFile(f"{slug}-{lang}.zip", data), None
                )
                activity = Activity.objects.create(
                    title=package.title,
                    package=package,
                    rule=rule,
                    min_score=min_score,
                )
                lesson = LessonPage(
                    title=package.title,
                    slug=slug,
                    locale=module.locale,
                    estimated_minutes=15,
                    completion_rule=LessonPage.CompletionRule.ACTIVITY,
                    activity=activity,
                    body=json.dumps([{"type": "paragraph", "value": INTRO[lang]}]),
                )
                if slug in translation_keys:
                    lesson.translation_key = translation_keys[slug]
                module.add_child(instance=lesson)
                lesson.save_revision().publish()
            translation_keys[slug] = lesson.translation_key
            lessons.append(lesson)
    return lessons
