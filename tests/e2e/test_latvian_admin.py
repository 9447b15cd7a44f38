"""A course author whose admin language is Latvian walks the Wagtail admin and meets
no English label on the screens an author and an administrator use.

"English" means: a message of Wagtail's (or the plugin's) catalogues, shown as
written in English, although Latvian has a translation of it that reads
differently. Text equal in both languages ("ID", "URL") and people's content are
not English labels. The browser itself asks for English (en-GB), so the Latvian
comes from the author's admin profile, as it does for staff on shared machines.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.models import (
    GroupApprovalTask,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)
from wagtail.users.models import UserProfile

from courses import wagtail_locale
from courses.roles import ensure_course_authors_group
from tests.e2e.conftest import expect, sign_in_admin
from tests.factories import (
    make_cohort,
    make_course,
    make_image,
    make_lesson,
    make_module,
    make_user,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-password-2026"
ROOT = Path(__file__).resolve().parents[2]
# A placeholder or a tag: such messages never appear verbatim on a page.
FORMATTED = re.compile(r"%\(\w+\)|%[sd]|\{\w*\}|<\w")

# Every visible text on the page: each text node, the whole text of controls and
# headings (a label split over several nodes), and the placeholder, aria-label and
# title that a person sees or hears.
VISIBLE_TEXT = """() => {
  const seen = new Set();
  const shown = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length)
    && getComputedStyle(el).visibility !== "hidden";
  const clean = (text) => (text || "").replace(/\\s+/g, " ").trim();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const parent = walker.currentNode.parentElement;
    if (!parent || parent.closest("script, style, template, noscript")) continue;
    if (!shown(parent)) continue;
    const text = clean(walker.currentNode.textContent);
    if (text) seen.add(text);
  }
  const labelled = "a, button, label, h1, h2, h3, h4, h5, h6, th, legend, summary, option,"
    + " [role=button], [role=tab], [role=menuitem]";
  for (const el of document.querySelectorAll("body *")) {
    if (!shown(el)) continue;
    if (el.matches(labelled)) {
      const text = clean(el.innerText);
      if (text && text.length < 200) seen.add(text);
    }
    for (const name of ["placeholder", "aria-label", "title"]) {
      const text = clean(el.getAttribute(name));
      if (text) seen.add(text);
    }
  }
  return [...seen];
}"""


def english_labels() -> set[str]:
    """The English messages that Latvian shows differently."""
    msgids = {m.msgid for m in wagtail_locale.wagtail_messages() if not m.msgid_plural}
    for app in ("courses", "certificates", "lms"):
        catalogue = polib.pofile(str(ROOT / app / "locale/lv/LC_MESSAGES/django.po"))
        msgids |= {e.msgid for e in catalogue if not e.msgid_plural}
    labels = set()
    with translation.override("lv"):
        for msgid in msgids:
            text = " ".join(msgid.split())
            if FORMATTED.search(text) or not re.search(r"[A-Za-z]{2}", text):
                continue
            if translation.gettext(msgid) != msgid:
                labels.add(text)
    # Names stored in the database are the site's data, not labels: the site's name
    # (the dashboard greets with it) and the groups' names ("Course authors" is the
    # key setup_roles finds its group by).
    labels -= {
        settings.WAGTAIL_SITE_NAME,
        *Group.objects.values_list("name", flat=True),
    }
    return labels


def english_on(page, labels: set[str]) -> list[str]:
    found = []
    for text in page.evaluate(VISIBLE_TEXT):
        for form in {text, text.rstrip(":").strip(), text.rstrip("…").strip()}:
            if form in labels:
                found.append(text)
                break
    return sorted(found)


@pytest.fixture
def author():
    user = make_user(
        username="ilze",
        first_name="Ilze",
        last_name="Liepiņa",
        password=PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    UserProfile.objects.update_or_create(
        user=user, defaults={"preferred_language": "lv"}
    )
    return user


def test_the_latvian_admin_shows_no_english_label(page, author):
    course = make_course(title="Pētnieciskā mācīšanās STEM")
    module = make_module(course, title="Eksperimenti fizikā")
    lesson = make_lesson(module, title="Svārsta svārstības")
    make_cohort(course, name="Rīga 2026")
    image = make_image("Svārsta shēma")
    document = get_document_model().objects.create(
        title="Darba lapa", file=ContentFile(b"%PDF-1.7\n", name="darba-lapa.pdf")
    )
    # Pages as staff leave them: published by a person (the aging-pages report
    # names who published last).
    for each in Page.objects.filter(depth__gt=1):
        each.specific.save_revision(user=author).publish(user=author)
    authors = ensure_course_authors_group()
    # A lesson waiting in a workflow: the dashboard lists it for review and the
    # editor shows where it stands.
    workflow = Workflow.objects.create(name="Kursa satura pārskatīšana")
    task = GroupApprovalTask.objects.create(name="Metodiķa apstiprinājums")
    task.groups.set([authors])
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=course)
    lesson.save_revision(user=author)
    workflow.start(lesson, author)
    labels = english_labels()
    assert "Filter by" in labels and "History" in labels  # the check is not empty

    sign_in_admin(page, "ilze", PASSWORD)
    screens = {
        "dashboard": "/admin/",
        "course explorer": f"/admin/pages/{course.pk}/",
        "lesson editor": f"/admin/pages/{lesson.pk}/edit/",
        "lesson history": f"/admin/pages/{lesson.pk}/history/",
        "page type choice": f"/admin/pages/{module.pk}/add_subpage/",
        "move lesson": f"/admin/pages/{lesson.pk}/move/",
        "copy lesson": f"/admin/pages/{lesson.pk}/copy/",
        "unpublish lesson": f"/admin/pages/{lesson.pk}/unpublish/",
        "delete lesson": f"/admin/pages/{lesson.pk}/delete/",
        "new lesson": f"/admin/pages/add/courses/lessonpage/{module.pk}/",
        "images": "/admin/images/",
        "image": f"/admin/images/{image.pk}/",
        "documents": "/admin/documents/",
        "document": f"/admin/documents/edit/{document.pk}/",
        "cohorts": "/admin/snippets/courses/cohort/",
        "quizzes": "/admin/snippets/courses/quiz/",
        "competence frameworks": "/admin/snippets/courses/framework/",
        "workflows": "/admin/workflows/list/",
        "new workflow": "/admin/workflows/add/",
        "workflow tasks": "/admin/workflows/tasks/index/",
        "users": "/admin/users/",
        "user": f"/admin/users/edit/{author.pk}/",
        "groups": "/admin/groups/",
        "group": f"/admin/groups/edit/{authors.pk}/",
        "reports": "/admin/reports/",
        "locked pages": "/admin/reports/locked/",
        "aging pages": "/admin/reports/aging-pages/",
        "site history": "/admin/reports/site-history/",
        "page types": "/admin/reports/page-types-usage/",
        "workflow report": "/admin/reports/workflow/",
        "workflow tasks report": "/admin/reports/workflow_tasks/",
        "lesson workflow history": f"/admin/pages/{lesson.pk}/workflow_history/",
        "sites": "/admin/sites/",
        "collections": "/admin/collections/",
        "locales": "/admin/locales/",
        "redirects": "/admin/redirects/",
        "account": "/admin/account/",
    }
    english = walk(page, screens, labels, lesson)
    assert english == {}, "English on the Latvian admin:\n" + "\n".join(
        f"- {name}: {texts}" for name, texts in english.items()
    )


def walk(
    page, screens: dict[str, str], labels: set[str], lesson
) -> dict[str, list[str]]:
    """Opens each screen and returns the English labels found, by screen."""
    english = {}
    for name, url in screens.items():
        page.goto(url)
        page.wait_for_load_state("networkidle")
        if name == "dashboard":
            # The lesson in the workflow waits for this author's review.
            expect(page.locator("main").get_by_text(lesson.title).first).to_be_visible()
        if name == "lesson editor":
            # The StreamField is drawn by JavaScript from its own catalogue.
            expect(
                page.locator("[data-streamfield-stream-container]").first
            ).to_be_visible()
            # The block chooser lists the lesson's blocks.
            page.locator(".c-sf-add-button").first.click()
            expect(page.locator(".w-combobox").first).to_be_visible()
        found = english_on(page, labels)
        if found:
            english[name] = found
    return english


def test_a_course_author_writes_in_a_latvian_admin(page):
    """A member of *Course authors* (no administrator rights) who chose Latvian:
    the home page, the menus, the course's pages and the editor are Latvian too."""
    author = make_user(username="maris", password=PASSWORD)
    author.groups.add(ensure_course_authors_group())
    UserProfile.objects.update_or_create(
        user=author, defaults={"preferred_language": "lv"}
    )
    course = make_course(title="Pētnieciskā mācīšanās STEM")
    module = make_module(course, title="Eksperimenti fizikā")
    lesson = make_lesson(module, title="Svārsta svārstības")
    labels = english_labels()

    sign_in_admin(page, "maris", PASSWORD)
    screens = {
        "home": "/admin/",
        "course explorer": f"/admin/pages/{course.pk}/",
        "lesson editor": f"/admin/pages/{lesson.pk}/edit/",
        "new lesson": f"/admin/pages/add/courses/lessonpage/{module.pk}/",
        "lesson history": f"/admin/pages/{lesson.pk}/history/",
        "account": "/admin/account/",
    }
    english = walk(page, screens, labels, lesson)
    assert english == {}, "English on the author's Latvian admin:\n" + "\n".join(
        f"- {name}: {texts}" for name, texts in english.items()
    )
