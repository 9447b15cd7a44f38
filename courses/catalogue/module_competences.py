"""Which competences a module develops: the inline rows of a module page, from
which a course's competences and its learners' profiles are gathered."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel
from wagtail.models import Orderable

from courses.competences.models import Competence, FrameworkLevel, check_level_matches
from courses.competences.widgets import LevelSelect


class ModuleCompetence(Orderable):
    """A competence a module develops, with the level it aims for."""

    module = ParentalKey(
        "courses.ModulePage",
        on_delete=models.CASCADE,
        related_name="module_competences",
    )
    competence = models.ForeignKey(
        Competence,
        verbose_name=_("competence"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_level = models.ForeignKey(
        FrameworkLevel,
        verbose_name=_("target level"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only for frameworks with levels, e.g. DigCompEdu B1."),
    )

    panels = [FieldPanel("competence"), FieldPanel("target_level", widget=LevelSelect)]

    class Meta(Orderable.Meta):
        verbose_name = _("module competence")
        verbose_name_plural = _("module competences")

    def clean(self) -> None:
        check_level_matches("competence", "target_level", self)

    def __str__(self) -> str:
        if self.target_level_id:
            return f"{self.competence} ({self.target_level.code})"
        return str(self.competence)
