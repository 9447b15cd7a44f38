"""The form of an LTI registration in the admin: the platform's values, the
launch settings, and the deployment ids one per line."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from courses.admin_base import IdChoiceField
from courses.enrolment.models import Cohort
from courses.lti.models import LtiDeployment, LtiRegistration, LtiResourceLink


def deployment_lines(text: str) -> list[str]:
    """The deployment ids typed one per line, in order, blanks and repeats
    dropped."""
    return list(
        dict.fromkeys(line.strip() for line in text.splitlines() if line.strip())
    )


class CohortChoiceField(IdChoiceField):
    def label_from_instance(self, obj: Cohort) -> str:
        return f"{obj.course.title}: {obj.name}"


def _url_field(name: str) -> forms.URLField:
    """The model's URL field, read as https when typed without a scheme."""
    field = LtiRegistration._meta.get_field(name)
    return forms.URLField(
        label=capfirst(field.verbose_name),
        max_length=field.max_length,
        assume_scheme="https",
    )


class LtiRegistrationForm(WagtailAdminModelForm):
    """The platform's values, the launch settings, and the deployment ids one
    per line (saved as :class:`LtiDeployment` rows)."""

    auth_login_url = _url_field("auth_login_url")
    auth_token_url = _url_field("auth_token_url")
    keyset_url = _url_field("keyset_url")

    cohort = CohortChoiceField(
        queryset=Cohort.objects.none(),
        required=False,
        label=_("Cohort"),
        help_text=_(
            "Learners launching a course of this cohort join it; for other "
            "courses it is not used."
        ),
    )
    deployment_ids = forms.CharField(
        label=_("Deployment IDs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One per line, as the platform shows them (Moodle: “Deployment ID”). "
            "The platform launches only with these."
        ),
    )

    class Meta:
        model = LtiRegistration
        fields = [
            "name",
            "issuer",
            "client_id",
            "auth_login_url",
            "auth_token_url",
            "keyset_url",
            "is_active",
            "trust_emails",
            "instructors_are_staff",
            "cohort_per_context",
            "cohort",
        ]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Cohorts of published courses, and the one already chosen whatever
        # became of its course.
        self.fields["cohort"].queryset = (
            Cohort.objects.filter(
                Q(course__live=True) | Q(pk=self.instance.cohort_id or 0)
            )
            .select_related("course")
            .order_by("course__title", "name", "pk")
        )
        if self.instance.pk is not None:
            self.fields["deployment_ids"].initial = "\n".join(
                self.instance.deployments.order_by("pk").values_list(
                    "deployment_id", flat=True
                )
            )

    def clean_deployment_ids(self) -> list[str]:
        """The ids; removing one that links on the platform were launched
        through is refused: its links and their scores would go with it."""
        ids = deployment_lines(self.cleaned_data["deployment_ids"])
        too_long = [i for i in ids if len(i) > 255]
        if too_long:
            raise forms.ValidationError(
                _("A deployment ID has at most 255 characters.")
            )
        if self.instance.pk is None:
            return ids
        in_use = list(
            LtiResourceLink.objects.filter(deployment__registration=self.instance)
            .exclude(deployment__deployment_id__in=ids)
            .values_list("deployment__deployment_id", flat=True)
            .distinct()
            .order_by("deployment__deployment_id")
        )
        if in_use:
            raise forms.ValidationError(
                _(
                    "A deployment that links on the platform were launched through "
                    "cannot be removed: their scores are sent through it. Keep "
                    "%(ids)s, or turn the registration off."
                )
                % {"ids": ", ".join(in_use)}
            )
        return ids

    def save(self, commit: bool = True) -> LtiRegistration:
        registration = super().save(commit=commit)
        if commit:
            self.save_deployments(registration)
        return registration

    def save_deployments(self, registration: LtiRegistration) -> None:
        """Add the new ids, delete the ones removed that no link uses (checked
        again here: a launch may have come since the form was checked)."""
        ids = self.cleaned_data["deployment_ids"]
        registration.deployments.exclude(deployment_id__in=ids).filter(
            resource_links__isnull=True
        ).delete()
        known = set(registration.deployments.values_list("deployment_id", flat=True))
        LtiDeployment.objects.bulk_create(
            [
                LtiDeployment(registration=registration, deployment_id=i)
                for i in ids
                if i not in known
            ]
        )
