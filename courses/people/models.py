"""What the site remembers about a learner beyond Django's user."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.people.municipalities import MUNICIPALITIES


class LearnerProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learner_profile",
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Used for e-mails; empty means the site's default language."),
    )
    municipality = models.CharField(
        _("municipality of your school"),
        max_length=20,
        choices=MUNICIPALITIES,
        blank=True,
        help_text=_("Optional. Used only for the programme's figures by municipality."),
    )

    wagtail_reference_index_ignore = True

    class Meta:
        verbose_name = _("learner profile")
        verbose_name_plural = _("learner profiles")

    def __str__(self) -> str:
        return str(self.user)
