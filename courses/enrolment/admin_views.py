"""Admin screens for the courses app, declared as viewsets (wired in wagtail_hooks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.db.models import Q
from django.urls import path
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.panels.model_utils import extract_panel_definitions_from_model_class
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from courses.admin_base import (
    CourseChoiceField,
    CourseRecordSnippetViewSet,
    IdChoiceFilter,
    LatvianSortMixin,
    ListingOnlyViewSet,
    capability_menu_item,
)
from courses.enrolment.csv_import import enrol_from_csv
from courses.enrolment.csv_reading import CsvEnrolmentError
from courses.models import (
    Cohort,
    CoursePage,
    Enrolment,
)
from courses.people.names import name_order
from courses.permissions import (
    MANAGE_ENROLMENT,
    CourseRecordPermissionPolicy,
    cohort_choices_for,
    course_choices,
    course_choices_for,
    holds,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse


class CohortPermissionPolicy(CourseRecordPermissionPolicy):
    """Those who manage a course's enrolment set up its cohorts and their tutors."""

    capabilities = dict.fromkeys(["add", "change", "delete", "view"], MANAGE_ENROLMENT)
    course_key_field = "course__translation_key"


def tutor_candidates() -> QuerySet:
    """Active people who may open the admin: those a cohort may name as tutors."""
    access = Permission.objects.filter(
        codename="access_admin", content_type__app_label="wagtailadmin"
    )
    return (
        get_user_model()
        ._default_manager.filter(is_active=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=access)
            | Q(user_permissions__in=access)
        )
        .distinct()
        .order_by(*name_order(user=""), "username")
    )


def staff_label(user: AbstractBaseUser) -> str:
    """A member of staff as the tutor chooser lists them: by name, in the order
    the list is sorted, with the username that tells namesakes apart."""
    name = user.get_full_name()
    username = user.get_username()
    return f"{name} ({username})" if name else username


class CohortForm(WagtailAdminModelForm):
    """Offers only the courses the user manages the enrolment of, and as tutors
    only people who may open the admin."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["course"]
        self.fields["course"] = CourseChoiceField(
            queryset=course_choices(self.for_user, MANAGE_ENROLMENT),
            label=field.label,
        )
        self.fields["tutors"].queryset = tutor_candidates()
        self.fields["tutors"].label_from_instance = staff_label


class CohortFilterSet(WagtailFilterSet):
    course = IdChoiceFilter(
        queryset=course_choices_for(MANAGE_ENROLMENT), label=_("Course")
    )

    class Meta:
        model = Cohort
        fields = ["course"]


class CohortIndexView(SnippetIndexView):
    def get_base_queryset(self) -> QuerySet[Cohort]:
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        ).select_related("course")


class CohortViewSet(CourseRecordSnippetViewSet):
    chooser_texts = (
        _("Choose a cohort"),
        _("Choose another cohort"),
        _("Edit this cohort"),
    )
    model = Cohort
    permission_policy = CohortPermissionPolicy(Cohort)
    icon = "group"
    menu_label = _("Cohorts")
    index_view_class = CohortIndexView
    list_display = ["name", "course", "capacity", "starts_on", "ends_on"]
    filterset_class = CohortFilterSet
    search_fields = ["name"]
    search_backend_name = None
    add_to_admin_menu = True
    menu_order = 210

    def get_edit_handler(self) -> ObjectList:
        return ObjectList(
            extract_panel_definitions_from_model_class(self.model),
            base_form_class=CohortForm,
        ).bind_to_model(self.model)


# Learners: enrolments of the courses a member of staff may edit ---------------


class EnrolmentPermissionPolicy(CourseRecordPermissionPolicy):
    """Staff may view the enrolments of courses they may edit, and nothing more.

    Enrolments change only through :mod:`courses.enrolment.enrolling`, which keeps their
    history, so the admin offers no add, edit or delete screens for them.
    """

    capabilities = {"view": MANAGE_ENROLMENT}


class EnrolmentFilterSet(WagtailFilterSet):
    # Only the cohorts of the user's own courses, so the filter names no others.
    cohort = IdChoiceFilter(
        queryset=cohort_choices_for(MANAGE_ENROLMENT), label=_("Cohort")
    )

    class Meta:
        model = Enrolment
        fields = ["status", "cohort"]


class EnrolmentIndexView(LatvianSortMixin, IndexView):
    latvian_sort_keys = {"user__last_name": ("user__last_name", "user__first_name")}

    def get_base_queryset(self) -> QuerySet[Enrolment]:
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        ).select_related("user", "course", "cohort")


def _learner(enrolment: Enrolment) -> str:
    user = enrolment.user
    name = user.get_full_name() or user.get_username()
    return f"{name} <{user.email}>" if user.email else name


class EnrolmentViewSet(ListingOnlyViewSet):
    """A read-only list of who is enrolled where, for the course team."""

    model = Enrolment
    permission_policy = EnrolmentPermissionPolicy(Enrolment)
    name = "enrolments"
    url_prefix = "learners/enrolments"
    icon = "list-ul"
    menu_label = _("Enrolments")
    index_view_class = EnrolmentIndexView
    list_display = [
        Column(
            "learner", label=_("Learner"), accessor=_learner, sort_key="user__last_name"
        ),
        "course",
        "cohort",
        "status",
        "percent",
        "hours_earned",
        DateColumn("enrolled_at", label=_("Enrolled"), sort_key="enrolled_at"),
        DateColumn("completed_at", label=_("Completed"), sort_key="completed_at"),
    ]
    filterset_class = EnrolmentFilterSet
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    search_backend_name = None


# Enrol from CSV ------------------------------------------------------------


class EnrolFromCsvForm(forms.Form):
    course = CourseChoiceField(
        label=_("Course"), queryset=CoursePage.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8, separated by commas or semicolons, at most 2 MB and 5,000 rows. "
            "The first row names the columns: email, first name, last name and, "
            "optionally, cohort (or in Latvian: e-pasts, vārds, uzvārds, grupa)."
        ),
        validators=[FileExtensionValidator(["csv"])],
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run"),
        required=False,
        help_text=_("Check the file and show what would happen, changing nothing."),
    )

    def __init__(self, *args, user: AbstractBaseUser, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = course_choices(user, MANAGE_ENROLMENT)


class EnrolFromCsvView(WagtailAdminTemplateMixin, FormView):
    """Upload a CSV file of learners and show the per-row report."""

    template_name = "courses/admin/enrol_csv.html"
    form_class = EnrolFromCsvForm
    page_title = _("Enrol from CSV")
    header_icon = "upload"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not holds(request.user, MANAGE_ENROLMENT):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_breadcrumbs_items(self) -> list[dict]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def form_valid(self, form: EnrolFromCsvForm) -> HttpResponse:
        course = form.cleaned_data["course"]
        try:
            report = enrol_from_csv(
                form.cleaned_data["file"],
                course,
                actor=self.request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except CsvEnrolmentError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        # A fresh form for the next upload, e.g. the real run after a dry run.
        next_form = self.form_class(user=self.request.user, initial={"course": course})
        return self.render_to_response(
            self.get_context_data(form=next_form, report=report)
        )


class EnrolFromCsvViewSet(ViewSet):
    name = "enrol_csv"
    url_prefix = "learners/enrol-from-csv"
    icon = "upload"
    menu_icon = "upload"
    menu_label = _("Enrol from CSV")

    def get_urlpatterns(self) -> list:
        return [path("", EnrolFromCsvView.as_view(), name="index")]

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        return capability_menu_item(MANAGE_ENROLMENT)


class LearnersViewSetGroup(ViewSetGroup):
    items = (EnrolmentViewSet, EnrolFromCsvViewSet)
    menu_label = _("Learners")
    menu_icon = "group"
    menu_name = "learners"
    menu_order = 205
