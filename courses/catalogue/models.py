"""The course page tree: CourseIndexPage → CoursePage → ModulePage → LessonPage."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Prefetch, Sum
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from courses.catalogue import content_cache
from courses.catalogue.blocks import RICH_TEXT_FEATURES, LessonBodyBlock
from courses.catalogue.forms import LessonPageForm, ModulePageForm
from courses.catalogue.module_competences import ModuleCompetence
from courses.catalogue.routing import CachedViewRestrictionsMixin, CatalogueRouteMixin

if TYPE_CHECKING:
    from django.db.models import QuerySet


#: The Wagtail hook through which features add what a learner sees to the context
#: of course, module and lesson pages: ``fn(page, request, context)``. The page
#: models hold content; progress, enrolment, sessions and the like come from the
#: features that own them (registered in wagtail_hooks.py).
PAGE_CONTEXT_HOOK = "construct_course_page_context"


def add_page_context(page: Page, request, context: dict) -> dict:
    for fn in hooks.get_hooks(PAGE_CONTEXT_HOOK):
        fn(page, request, context)
    return context


class CourseIndexPage(CatalogueRouteMixin, Page):
    """The catalogue: lists the published courses below it."""

    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    subpage_types = ["courses.CoursePage"]
    template = "courses/course_index_page.html"
    route_page_types = (
        "courses.CoursePage",
        "courses.ModulePage",
        "courses.LessonPage",
    )

    class Meta:
        verbose_name = _("course catalogue")
        verbose_name_plural = _("course catalogues")

    def get_courses(self) -> QuerySet[CoursePage]:
        """Live courses in this catalogue, each annotated with ``total_hours``."""
        return (
            CoursePage.objects.live()
            .child_of(self)
            .select_related("cover_image")
            .annotate(total_hours=course_hours_subquery())
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["courses"] = self.get_courses()
        return context


def course_hours_subquery() -> models.Subquery:
    """A course's academic hours, for the course in the outer query: the sum of its
    live modules' hours. The one definition; :attr:`CoursePage.total_hours` reads
    it too."""
    return models.Subquery(
        ModulePage.objects.live()
        .filter(
            path__startswith=models.OuterRef("path"), depth=models.OuterRef("depth") + 1
        )
        .order_by()
        .values("depth")
        .annotate(total=Sum("hours"))
        .values("total")[:1],
        output_field=models.DecimalField(max_digits=6, decimal_places=1),
    )


class CoursePage(CachedViewRestrictionsMixin, Page):
    class ProgrammeType(models.TextChoices):
        A = "A", _("A — approved professional development programme")
        B = "B", _("B — other professional development programme")

    class Language(models.TextChoices):
        LATVIAN = "lv", _("Latvian")
        ENGLISH = "en", _("English")
        BILINGUAL = "lv+en", _("Latvian and English")

    summary = RichTextField(_("summary"), features=RICH_TEXT_FEATURES)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    programme_type = models.CharField(
        _("programme type"),
        max_length=1,
        choices=ProgrammeType.choices,
        default=ProgrammeType.A,
    )
    language_of_instruction = models.CharField(
        _("language of instruction"),
        max_length=5,
        choices=Language.choices,
        default=Language.LATVIAN,
    )
    provider_name = models.CharField(_("provider"), max_length=255)
    provider_registration_number = models.CharField(
        _("provider registration number"), max_length=50, blank=True
    )
    approval_body = models.CharField(
        _("approved by"),
        max_length=255,
        blank=True,
        help_text=_("The body that approved the programme, e.g. a municipality."),
    )
    approval_number = models.CharField(_("approval number"), max_length=100, blank=True)
    approval_date = models.DateField(_("approval date"), null=True, blank=True)
    funding_line = models.TextField(
        _("funding line"),
        blank=True,
        help_text=_("Printed on certificates where a funder requires it."),
    )
    self_enrolment = models.BooleanField(
        _("learners may enrol themselves"), default=True
    )
    sequential = models.BooleanField(
        _("sequential"),
        default=False,
        help_text=_("A module opens only when the previous one is complete."),
    )
    min_attendance_hours = models.DecimalField(
        _("minimum attendance (hours)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Hours of live sessions a learner must attend to complete."),
    )
    min_attendance_percent = models.PositiveSmallIntegerField(
        _("minimum attendance (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("Share of the course's live-session hours a learner must attend."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        MultiFieldPanel(
            [
                FieldPanel("programme_type"),
                FieldPanel("language_of_instruction"),
                FieldPanel("provider_name"),
                FieldPanel("provider_registration_number"),
            ],
            heading=_("Programme"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("approval_body"),
                FieldPanel("approval_number"),
                FieldPanel("approval_date"),
                FieldPanel("funding_line"),
            ],
            heading=_("Approval and funding"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("self_enrolment"),
                FieldPanel("sequential"),
                FieldPanel("min_attendance_hours"),
                FieldPanel("min_attendance_percent"),
            ],
            heading=_("Learning and completion"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("summary")]
    parent_page_types = ["courses.CourseIndexPage"]
    subpage_types = ["courses.ModulePage"]
    template = "courses/course_page.html"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    def get_modules(self) -> QuerySet[ModulePage]:
        """Live modules in page-tree order, with their competences prefetched."""
        return (
            ModulePage.objects.live()
            .child_of(self)
            .prefetch_related(
                Prefetch(
                    "module_competences",
                    queryset=ModuleCompetence.objects.select_related(
                        "competence__framework", "target_level"
                    ),
                )
            )
        )

    def get_lessons(self) -> QuerySet[LessonPage]:
        """Live lessons of the whole course in page-tree order (one query)."""
        return LessonPage.objects.live().descendant_of(self).order_by("path")

    @cached_property
    def total_hours(self) -> Decimal:
        """Academic hours (:func:`course_hours_subquery`), from the content cache."""
        # get_courses() annotates this attribute, which then shadows the query.

        def read() -> Decimal:
            hours = (
                CoursePage.objects.filter(pk=self.pk)
                .annotate(hours=course_hours_subquery())
                .values_list("hours", flat=True)
                .first()
            )
            return hours or Decimal(0)

        return content_cache.cached(("course-hours", self.pk), read)

    def get_competences(
        self, modules: list[ModulePage] | None = None
    ) -> list[ModuleCompetence]:
        """The competences the course develops: its modules' competences, each once,
        with the highest target level any module sets."""
        if modules is None:
            modules = list(self.get_modules())
        best: dict[int, ModuleCompetence] = {}
        for module in modules:
            for link in module.module_competences.all():
                current = best.get(link.competence_id)
                if current is None or (
                    link.target_level is not None
                    and (
                        current.target_level is None
                        or link.target_level.sort_order
                        > current.target_level.sort_order
                    )
                ):
                    best[link.competence_id] = link
        return sorted(
            best.values(),
            key=lambda link: (link.competence.framework.code, link.competence.code),
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        modules = list(self.get_modules())
        lessons = list(
            self.get_lessons()
            .defer_streamfields()
            .annotate(quiz_key=models.F("quiz__translation_key"))
        )
        lessons_by_module: dict[str, list[LessonPage]] = {m.path: [] for m in modules}
        for lesson in lessons:
            parent_path = lesson.path[: -self.steplen]
            if parent_path in lessons_by_module:
                lessons_by_module[parent_path].append(lesson)
        for module in modules:
            module.course_lessons = lessons_by_module[module.path]
        context["modules"] = modules
        context["lessons"] = lessons
        context["course_hours"] = self.total_hours
        context["competences"] = self.get_competences(modules)
        return add_page_context(self, request, context)


class ModulePage(CachedViewRestrictionsMixin, Page):
    intro = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)
    hours = models.DecimalField(
        _("academic hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Academic hours a learner earns by completing this module."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("hours"),
        InlinePanel(
            "module_competences",
            heading=_("Competences developed"),
            label=_("Competence"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]
    template = "courses/module_page.html"
    base_form_class = ModulePageForm

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def get_lessons(self) -> QuerySet[LessonPage]:
        return LessonPage.objects.live().child_of(self)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = list(self.get_lessons().defer_streamfields())
        context["competences"] = self.module_competences.select_related(
            "competence__framework", "target_level"
        )
        return add_page_context(self, request, context)


class LessonPage(CachedViewRestrictionsMixin, Page):
    class CompletionRule(models.TextChoices):
        MARK = "mark", _("The learner marks it as done")
        VIEW = "view", _("Done when first opened")
        ACTIVITY = "activity", _("Done by a linked activity (e.g. a passed quiz)")

    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)
    estimated_minutes = models.PositiveSmallIntegerField(
        _("estimated duration (minutes)"), default=30
    )
    completion_rule = models.CharField(
        _("completion"),
        max_length=10,
        choices=CompletionRule.choices,
        default=CompletionRule.MARK,
    )
    optional = models.BooleanField(
        _("optional"),
        default=False,
        help_text=_("Optional lessons do not count towards completing the course."),
    )
    quiz = models.ForeignKey(
        "courses.Quiz",
        verbose_name=_("quiz"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "Shown below the lesson. With completion “Done by a linked activity”, "
            "passing it completes the lesson."
        ),
    )
    activity = models.ForeignKey(
        "courses.Activity",
        verbose_name=_("e-learning activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "A SCORM or H5P package played in the lesson. With completion “Done by "
            "a linked activity”, meeting its rule completes the lesson."
        ),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("estimated_minutes"),
                FieldPanel("completion_rule"),
                FieldPanel("optional"),
                FieldPanel("quiz"),
                FieldPanel("activity"),
            ],
            heading=_("Learning"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    parent_page_types = ["courses.ModulePage"]
    subpage_types: list[str] = []
    template = "courses/lesson_page.html"
    base_form_class = LessonPageForm

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["module"] = self.get_parent()
        return add_page_context(self, request, context)
