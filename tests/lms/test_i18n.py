"""Latvian and English: the pages' language, the switcher, the learner's choice
and the catalogues. The pages are those of the demo programme (``demo``)."""

import pytest

from courses.models import CoursePage, LessonPage
from courses.people.languages import preferred_language
from tests.factories import make_user


def page_html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_pages_declare_their_language(client, demo):
    """Latvian pages say lang="lv" and English pages lang="en"."""
    lv = CoursePage.objects.get(locale__language_code="lv")
    en = CoursePage.objects.get(locale__language_code="en")
    assert '<html lang="lv"' in client.get(lv.url).content.decode()
    assert '<html lang="en"' in client.get(en.url).content.decode()


def test_root_redirects_to_the_default_language(client, demo):
    """The bare address leads to the Latvian site."""
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/lv/"


def test_switcher_offers_the_same_page_in_the_other_language(client, demo):
    """On a course page the switcher's English target is the English course."""
    lv = CoursePage.objects.get(locale__language_code="lv")
    en = CoursePage.objects.get(locale__language_code="en")
    html = client.get(lv.url).content.decode()
    assert f'value="{en.url}"' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": en.url})
    assert response.status_code == 302
    assert response["Location"] == en.url


def test_the_switcher_follows_a_translation_that_is_unpublished(client, demo):
    """When the English lesson is unpublished, the switcher on the Latvian lesson
    offers the English home page instead, from the very next request."""
    lv = LessonPage.objects.live().filter(locale__language_code="lv").first()
    en = LessonPage.objects.get(
        translation_key=lv.translation_key, locale__language_code="en"
    )
    client.force_login(make_user(is_superuser=True))
    assert f'value="{en.url}"' in page_html(client, lv.url)
    en.unpublish()
    page = page_html(client, lv.url)
    assert f'value="{en.url}"' not in page
    assert 'value="/en/"' in page


def test_switching_language_is_remembered_for_emails(client, demo):
    """A signed-in learner's language choice is stored on their profile."""
    user = make_user()
    client.force_login(user)
    assert preferred_language(user) == "lv"
    client.post("/i18n/setlang/", {"language": "en", "next": "/en/"})
    user.refresh_from_db()
    assert preferred_language(user) == "en"


def test_progress_in_one_language_shows_in_the_other(client, demo):
    """Completing the Latvian lesson marks the English lesson done too."""
    from courses.enrolment.enrolling import enrol
    from courses.progress.recording import record_lesson_completed

    user = make_user()
    lv_course = CoursePage.objects.get(locale__language_code="lv")
    enrolment = enrol(user, lv_course)
    lv_lesson = LessonPage.objects.descendant_of(lv_course).live().order_by("path")[1]
    record_lesson_completed(enrolment, lv_lesson)
    en_lesson = LessonPage.objects.get(
        translation_key=lv_lesson.translation_key, locale__language_code="en"
    )
    client.force_login(user)
    html = client.get(en_lesson.url).content.decode()
    assert f"/en/lessons/{en_lesson.pk}/complete/" not in html
    enrolment.refresh_from_db()
    assert enrolment.completed_items >= 1
    en_course = CoursePage.objects.get(locale__language_code="en")
    html = client.get(en_course.url).content.decode()
    assert en_lesson.title in html


def test_latvian_catalogues_are_complete():
    """Every message of the Latvian catalogues is translated and none is fuzzy."""
    from pathlib import Path

    import polib

    root = Path(__file__).resolve().parents[2]
    paths = [
        root / app / "locale/lv/LC_MESSAGES/django.po"
        for app in ("lms", "courses", "certificates")
    ]
    # The plugin's Latvian for the Wagtail admin (both domains).
    paths += sorted((root / "courses/locale_wagtail/lv/LC_MESSAGES").glob("*.po"))
    assert len(paths) == 5
    for path in paths:
        catalogue = polib.pofile(str(path))
        assert len(catalogue) > 0, path
        missing = [e.msgid for e in catalogue.untranslated_entries()]
        fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
        assert missing == [], f"{path}: untranslated {missing[:5]}"
        assert fuzzy == [], f"{path}: fuzzy {fuzzy[:5]}"
        assert path.with_suffix(".mo").exists(), path


def test_compiled_catalogues_say_what_the_sources_say():
    """Each .mo is compiled from its .po as it stands: a translation changed
    without ``compilemessages`` would not be shown."""
    from pathlib import Path

    import polib

    root = Path(__file__).resolve().parents[2]
    for app in ("lms", "courses", "certificates"):
        folder = root / app / "locale/lv/LC_MESSAGES"

        def entries(catalogue) -> dict:
            return {
                (e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural)
                for e in catalogue
                if e.msgid and "fuzzy" not in e.flags
            }

        source = entries(polib.pofile(str(folder / "django.po")))
        compiled = entries(polib.mofile(str(folder / "django.mo")))
        stale = [key for key in source if compiled.get(key) != source[key]]
        assert stale == [], f"{app}: run compilemessages; e.g. {stale[:3]}"


@pytest.mark.django_db
def test_enrolment_emails_come_in_each_learners_language(
    django_capture_on_commit_callbacks,
):
    """A learner who chose English gets the enrolment e-mail in English, others in
    the course's language."""
    from django.core import mail

    from courses.enrolment.csv_import import enrol_from_csv
    from courses.people.languages import remember_language
    from tests.factories import make_course_tree

    course, _ = make_course_tree(modules=1, lessons=1, title="STEM kurss")
    english = make_user(email="anna@example.edu")
    remember_language(english, "en")
    make_user(email="janis@example.edu")
    csv = "email,first name,last name\nanna@example.edu,Anna,Bērziņa\njanis@example.edu,Jānis,Kalniņš\n"
    with django_capture_on_commit_callbacks(execute=True):
        enrol_from_csv(csv.encode(), course, actor=None)
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects["anna@example.edu"] == "You are enrolled in the course “STEM kurss”"
    assert subjects["janis@example.edu"] == "Uzņemšana kursā „STEM kurss”"
