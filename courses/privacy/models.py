"""The log of what was done with a person's data under the data-protection
rules."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PrivacyLog(models.Model):
    """One export or erasure of a person's data: who, when, whose, how, why.

    People are named by user id, not by foreign key: the log must outlive an
    erased account and must itself hold no personal data to export or erase.
    """

    class Action(models.TextChoices):
        EXPORT = "export", _("Export")
        ERASE = "erase", _("Erasure")

    class Channel(models.TextChoices):
        SELF = "self", _("The person downloaded their own data")
        ADMIN = "admin", _("An administrator in the admin")
        COMMAND = "command", _("A management command")

    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    subject_user_id = models.PositiveBigIntegerField(_("whose data (user id)"))
    actor_user_id = models.PositiveBigIntegerField(
        _("done by (user id)"),
        null=True,
        blank=True,
        help_text=_("Empty when run from the command line."),
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.CharField(
        _("why"),
        max_length=300,
        blank=True,
        help_text=_(
            "The request it answers, e.g. an access request's reference. Empty when "
            "the person downloaded their own data."
        ),
    )

    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["subject_user_id", "at"])]
        permissions = [
            ("export_person", _("Can export a person's data")),
            ("erase_person", _("Can erase a person's data")),
        ]
        verbose_name = _("privacy log entry")
        verbose_name_plural = _("privacy log")

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.subject_user_id} {self.at:%Y-%m-%d}"
