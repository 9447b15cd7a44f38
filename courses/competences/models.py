"""Competence frameworks: DigCompEdu, EntreComp, the Skola2030 transversal skills,
and any framework staff add in the admin."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.search import index


class BilingualNameMixin(models.Model):
    """A name in English (the frameworks' published language) and in Latvian."""

    name = models.CharField(_("name (English)"), max_length=255)
    name_lv = models.CharField(_("name (Latvian)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def display_name(self) -> str:
        """The name in the active language, falling back to English."""
        if (get_language() or "").startswith("lv") and self.name_lv:
            return self.name_lv
        return self.name


def check_level_matches(competence_field: str, level_field: str, record) -> None:
    """Refuse a level from another framework than the competence's, e.g. an
    EntreComp level for a DigCompEdu competence."""
    from django.core.exceptions import ValidationError

    competence_id = getattr(record, f"{competence_field}_id")
    level_id = getattr(record, f"{level_field}_id")
    if not (competence_id and level_id):
        return
    competence = getattr(record, competence_field)
    if getattr(record, level_field).framework_id != competence.framework_id:
        raise ValidationError(
            {
                level_field: _(
                    "Choose a level of the competence's own framework (%(framework)s)."
                )
                % {"framework": competence.framework.code}
            }
        )


class Framework(BilingualNameMixin, index.Indexed, ClusterableModel):
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Short identifier, e.g. DigCompEdu."),
    )
    source = models.CharField(_("source"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_lv"),
        FieldPanel("source"),
        FieldPanel("description"),
        InlinePanel("levels", label=_("Proficiency levels")),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("name_lv"),
        index.AutocompleteField("code"),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = _("competence framework")
        verbose_name_plural = _("competence frameworks")

    def __str__(self) -> str:
        return self.code


class FrameworkLevel(BilingualNameMixin):
    """A proficiency level of a framework, e.g. DigCompEdu B1 "Integrator"."""

    framework = ParentalKey(Framework, on_delete=models.CASCADE, related_name="levels")
    code = models.CharField(_("code"), max_length=10)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [FieldPanel("code"), FieldPanel("name"), FieldPanel("name_lv")]

    class Meta:
        ordering = ["framework", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="unique_level_code_per_framework"
            )
        ]
        verbose_name = _("proficiency level")
        verbose_name_plural = _("proficiency levels")

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"


class CompetenceArea(BilingualNameMixin):
    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="areas"
    )
    code = models.CharField(_("code"), max_length=20)

    panels = [
        FieldPanel("framework"),
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_lv"),
    ]

    class Meta:
        ordering = ["framework", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="unique_area_code_per_framework"
            )
        ]
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")

    def __str__(self) -> str:
        return f"{self.framework.code} {self.code} {self.display_name}"


class Competence(BilingualNameMixin, index.Indexed):
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="competences"
    )
    area = models.ForeignKey(
        CompetenceArea,
        on_delete=models.PROTECT,
        related_name="competences",
        null=True,
        blank=True,
    )
    code = models.CharField(_("code"), max_length=20)
    description = models.TextField(_("description"), blank=True)

    panels = [
        FieldPanel("framework"),
        FieldPanel("area"),
        FieldPanel("code"),
        FieldPanel("name"),
        FieldPanel("name_lv"),
        FieldPanel("description"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("name_lv"),
        index.AutocompleteField("name"),
        index.AutocompleteField("code"),
        index.FilterField("framework"),
        index.FilterField("area"),
    ]

    class Meta:
        ordering = ["framework__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"],
                name="unique_competence_code_per_framework",
            )
        ]
        verbose_name = _("competence")
        verbose_name_plural = _("competences")

    def __str__(self) -> str:
        return f"{self.framework.code} {self.code} {self.display_name}"
