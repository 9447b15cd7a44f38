"""LTI in the admin: the platforms registered to launch our courses (add, edit,
and the addresses their administrators paste), and the score passbacks sent to
them, with "send again".

Only those with the registration permissions (superusers and site
administrators, to whom ``setup_roles`` gives every permission) reach these
screens. A registration decides who may sign in as whom (trusted e-mails) and
who becomes a tutor (instructors), for every course: a site's security
setting, not a programme's, so programme administrators do not get it. The
passbacks follow the same permission; nobody edits one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Max, OuterRef, Q, Subquery, When
from django.db.models import Value as V
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from courses.admin_base import IdChoiceField, IdChoiceFilter, ListingOnlyViewSet
from courses.catalogue.models import CoursePage
from courses.enrolment.models import Cohort
from courses.integrations.delivery import send_again
from courses.integrations.models import OutboxStatus
from courses.lti.models import (
    LtiDeployment,
    LtiRegistration,
    LtiResourceLink,
    LtiScorePassback,
)
from courses.lti.tasks import send_scores
from courses.site import base_url

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

MANAGE_PERMISSION = "courses.change_ltiregistration"


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


def platform_values(registration: LtiRegistration) -> list[tuple[str, str]]:
    """What the platform's administrator pastes into the tool's settings
    (Moodle's field names), absolute on the site's public address."""
    site = base_url()
    launch = site + reverse("lti:launch")
    return [
        (gettext("Tool URL and redirection URI"), launch),
        (
            gettext("Initiate login URL"),
            site + reverse("lti:login", args=[registration.uuid]),
        ),
        (gettext("Public keyset URL"), site + reverse("lti:jwks")),
        (
            gettext("All of these as JSON"),
            site + reverse("lti:config", args=[registration.uuid]),
        ),
        (gettext("Custom parameters of a link"), "course=<slug>"),
    ]


class RegistrationCreateView(CreateView):
    template_name = "courses/admin/lti/registration_create.html"


class RegistrationEditView(EditView):
    """The form, and above it the values to paste into the platform."""

    template_name = "courses/admin/lti/registration_edit.html"

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["platform_values"] = platform_values(self.object)
        return context


class RegistrationDeleteView(DeleteView):
    """A registration whose links were launched is kept: its links, learners'
    grade links and queued scores would go with it. Turning it off stops its
    launches and keeps them."""

    def form_valid(self, form) -> HttpResponse:
        if LtiResourceLink.objects.filter(
            deployment__registration=self.object
        ).exists():
            messages.error(
                self.request,
                gettext(
                    "%(platform)s cannot be deleted: links on it were launched, "
                    "and their scores are sent through it. Turn it off instead."
                )
                % {"platform": self.object},
            )
            return redirect("lti_registrations:edit", self.object.pk)
        return super().form_valid(form)


class RegistrationIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[LtiRegistration]:
        return LtiRegistration.objects.annotate(
            deployment_count=Count("deployments", distinct=True),
            last_launch=Max("deployments__resource_links__updated_at"),
        ).order_by("name", "pk")


class YesNoColumn(Column):
    def get_value(self, instance) -> str:
        return gettext("Yes") if super().get_value(instance) else gettext("No")


class PassbacksColumn(Column):
    def get_value(self, instance: LtiRegistration) -> str:
        url = reverse("lti_passbacks:index")
        return format_html(
            '<a href="{}?platform={}">{}</a>', url, instance.pk, _("Score passbacks")
        )


class LtiRegistrationViewSet(ModelViewSet):
    model = LtiRegistration
    icon = "link-external"
    menu_label = _("LTI platforms")
    add_to_settings_menu = True
    name = "lti_registrations"
    copy_view_enabled = False
    search_fields = ["name", "issuer"]
    index_view_class = RegistrationIndexView
    add_view_class = RegistrationCreateView
    edit_view_class = RegistrationEditView
    delete_view_class = RegistrationDeleteView

    def get_form_class(self, for_update: bool = False) -> type[LtiRegistrationForm]:
        return LtiRegistrationForm

    @property
    def list_display(self) -> list:
        return [
            TitleColumn("name", label=_("Name"), url_name=self.get_url_name("edit")),
            Column("issuer", label=_("Platform ID (issuer)")),
            YesNoColumn("is_active", label=_("Active")),
            Column("deployment_count", label=_("Deployments")),
            DateColumn("last_launch", label=_("Last launch")),
            PassbacksColumn("passbacks", label=_("Score passbacks")),
        ]


# Score passbacks ---------------------------------------------------------------


class PassbackPermissionPolicy(ModelPermissionPolicy):
    """Those who manage registrations read their passbacks; nobody adds or
    edits one by hand."""

    def user_has_permission(self, user, action: str) -> bool:
        return action == "view" and user.has_perm(MANAGE_PERMISSION)

    def users_with_any_permission(self, actions):
        return self._get_users_with_any_permission_codenames(["change_ltiregistration"])


class PassbackFilterSet(WagtailFilterSet):
    platform = IdChoiceFilter(
        field_name="grade_link__resource_link__deployment__registration",
        queryset=LtiRegistration.objects.order_by("name"),
        label=_("Platform"),
    )

    class Meta:
        model = LtiScorePassback
        fields = ["platform", "status"]


class SendAgainColumn(Column):
    """The webhooks' "send again" button, on failed rows only."""

    cell_template_name = "courses/admin/lti/send_again_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["failed"] = instance.status == OutboxStatus.FAILED
        context["action"] = reverse("lti_passbacks:send_again", args=[instance.pk])
        context["request"] = parent_context.get("request")
        return context


def _score(row: LtiScorePassback) -> str:
    payload = row.payload or {}
    return f"{payload.get('scoreGiven', '')} / {payload.get('scoreMaximum', '')}"


def _learner(row: LtiScorePassback) -> str:
    user = row.grade_link.user
    return user.get_full_name() or user.get_username()


class SendAgainView(View):
    """POST: queue one failed passback again (a new 24 hours of retries)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not request.user.has_perm(MANAGE_PERMISSION):
            raise PermissionDenied
        with transaction.atomic():
            count = send_again(
                LtiScorePassback.objects.filter(pk=pk, status=OutboxStatus.FAILED)
            )
            if count:
                transaction.on_commit(send_scores.enqueue)
        if count:
            messages.success(request, gettext("The score is queued to be sent again."))
        else:
            messages.error(
                request,
                gettext("That score has not failed, or it no longer exists."),
            )
        return redirect("lti_passbacks:index")


class PassbackIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[LtiScorePassback]:
        # The course's title in the admin's language when it is translated.
        titles = (
            CoursePage.objects.filter(
                translation_key=OuterRef("grade_link__resource_link__course_key")
            )
            .annotate(
                mine=Case(
                    When(locale__language_code=get_language(), then=V(0)),
                    default=V(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("mine", "pk")
            .values("title")[:1]
        )
        return LtiScorePassback.objects.select_related(
            "grade_link__user",
            "grade_link__resource_link__deployment__registration",
        ).annotate(course_title=Subquery(titles))


class LtiScorePassbackViewSet(ListingOnlyViewSet):
    model = LtiScorePassback
    icon = "list-ul"
    name = "lti_passbacks"
    menu_label = _("LTI score passbacks")
    add_to_admin_menu = False
    permission_policy = PassbackPermissionPolicy(LtiScorePassback)
    filterset_class = PassbackFilterSet
    index_view_class = PassbackIndexView
    list_per_page = 50

    @property
    def list_display(self) -> list:
        return [
            Column("learner", label=_("Learner"), accessor=_learner),
            Column(
                "platform",
                label=_("Platform"),
                accessor="grade_link.resource_link.deployment.registration.name",
            ),
            Column("course_title", label=_("Course")),
            Column("score", label=_("Score"), accessor=_score),
            Column("status", label=_("Status"), accessor="get_status_display"),
            Column("attempts", label=_("Attempts")),
            Column("last_error", label=_("Last error")),
            DateColumn("created_at", label=_("Created")),
            DateColumn("last_attempt_at", label=_("Last attempt")),
            SendAgainColumn("send_again", label=_("Send again")),
        ]

    def get_extra_urlpatterns(self) -> list:
        # The log and "send again" only: a passback is never added or edited.
        return [
            path("send-again/<id:pk>/", SendAgainView.as_view(), name="send_again"),
        ]
