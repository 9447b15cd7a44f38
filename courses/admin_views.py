"""Admin screens for the courses app, declared as viewsets (wired in wagtail_hooks)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView, View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views.snippets import DeleteView as SnippetDeleteView
from wagtail.snippets.views.snippets import EditView as SnippetEditView
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.attendance import AttendanceError, mark_attendance, register_enrolments
from courses.enrolment.csv_import import CsvEnrolmentError, enrol_from_csv
from courses.models import (
    Attendance,
    Cohort,
    Competence,
    CompetenceArea,
    CoursePage,
    Enrolment,
    Framework,
    LiveSession,
    ModulePage,
)
from courses.permissions import (
    CourseRecordPermissionPolicy,
    editable_cohorts,
    editable_courses,
    editable_modules,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse


class FrameworkViewSet(SnippetViewSet):
    model = Framework
    icon = "list-ul"
    menu_label = _("Frameworks")
    list_display = ["code", "name", "name_lv"]
    search_fields = ["code", "name", "name_lv"]
    search_backend_name = None


class CompetenceAreaViewSet(SnippetViewSet):
    model = CompetenceArea
    icon = "folder-open-inverse"
    menu_label = _("Areas")
    list_display = ["framework", "code", "name", "name_lv"]
    list_filter = ["framework"]
    search_fields = ["code", "name", "name_lv"]
    search_backend_name = None


class CompetenceViewSet(SnippetViewSet):
    model = Competence
    icon = "pick"
    menu_label = _("Competences")
    list_display = ["code", "name", "name_lv", "framework", "area"]
    list_filter = ["framework", "area"]
    search_fields = ["code", "name", "name_lv"]
    search_backend_name = None
    list_per_page = 50


class CompetenceViewSetGroup(SnippetViewSetGroup):
    items = (CompetenceViewSet, FrameworkViewSet, CompetenceAreaViewSet)
    menu_icon = "pick"
    menu_label = _("Competences")
    menu_name = "competences"


class CohortViewSet(SnippetViewSet):
    model = Cohort
    icon = "group"
    menu_label = _("Cohorts")
    list_display = ["name", "course", "capacity", "starts_on", "ends_on"]
    list_filter = ["course"]
    search_fields = ["name"]
    search_backend_name = None
    add_to_admin_menu = True
    menu_order = 210


# Learners: enrolments of the courses a member of staff may edit ---------------


class EnrolmentPermissionPolicy(CourseRecordPermissionPolicy):
    """Staff may view the enrolments of courses they may edit, and nothing more.

    Enrolments change only through :mod:`courses.enrolment.enrolling`, which keeps their
    history, so the admin offers no add, edit or delete screens for them.
    """


class EnrolmentFilterSet(WagtailFilterSet):
    # Only the cohorts of the user's own courses, so the filter names no others.
    cohort = django_filters.ModelChoiceFilter(
        queryset=editable_cohorts, label=_("Cohort")
    )

    class Meta:
        model = Enrolment
        fields = ["status", "cohort"]


class EnrolmentIndexView(IndexView):
    def get_base_queryset(self) -> QuerySet[Enrolment]:
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        ).select_related("user", "course", "cohort")


def _learner(enrolment: Enrolment) -> str:
    user = enrolment.user
    name = user.get_full_name() or user.get_username()
    return f"{name} <{user.email}>" if user.email else name


class EnrolmentViewSet(ModelViewSet):
    """A read-only list of who is enrolled where, for the course team."""

    model = Enrolment
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
    copy_view_enabled = False

    def get_urlpatterns(self) -> list:
        # Only the listing: enrolments change through courses.enrolment.enrolling alone.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
        ]

    def get_permissions_to_register(self) -> QuerySet:
        # Access follows page permissions (see EnrolmentPermissionPolicy), so the
        # enrolment model permissions would do nothing in the group editor.
        return Permission.objects.none()


# Enrol from CSV ------------------------------------------------------------


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: CoursePage) -> str:
        return f"{obj.title} ({obj.locale.get_display_name()})"


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
        self.fields["course"].queryset = (
            editable_courses(user).select_related("locale").order_by("title")
        )


class EnrolFromCsvView(WagtailAdminTemplateMixin, FormView):
    """Upload a CSV file of learners and show the per-row report."""

    template_name = "courses/admin/enrol_csv.html"
    form_class = EnrolFromCsvForm
    page_title = _("Enrol from CSV")
    header_icon = "upload"

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not editable_courses(request.user).exists():
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
                request=self.request,
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
        return CourseStaffMenuItem


class CourseStaffMenuItem(MenuItem):
    """Shown to those who may edit at least one course."""

    def is_shown(self, request: HttpRequest) -> bool:
        return editable_courses(request.user).exists()


class LearnersViewSetGroup(ViewSetGroup):
    items = (EnrolmentViewSet, EnrolFromCsvViewSet)
    menu_label = _("Learners")
    menu_icon = "group"
    menu_name = "learners"
    menu_order = 205


# Live sessions and their attendance registers ---------------------------------


class LiveSessionPermissionPolicy(CourseRecordPermissionPolicy):
    """Staff schedule the sessions of the courses they may edit and take their
    registers, as they see those courses' learners (EnrolmentPermissionPolicy)."""

    actions = {"add", "change", "delete", "view"}


class ModuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ModulePage) -> str:
        language = obj.locale.language_code
        return f"{obj.course_title} › {obj.title} ({language})"


class LiveSessionForm(WagtailAdminModelForm):
    """Offers only the modules and cohorts of courses the user may edit."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        field = self.fields["module"]
        self.fields["module"] = ModuleChoiceField(
            queryset=editable_modules(user),
            label=field.label,
            help_text=_("The Latvian and English course pages both show the session."),
        )
        self.fields["cohort"].queryset = Cohort.objects.filter(
            course__translation_key__in=editable_courses(user).values("translation_key")
        ).select_related("course")


def _modules_for_request(request: HttpRequest | None) -> QuerySet[ModulePage]:
    if request is None:
        return ModulePage.objects.none()
    return editable_modules(request.user)


class LiveSessionFilterSet(WagtailFilterSet):
    # Only the modules of the user's own courses, so the filter names no others.
    module = django_filters.ModelChoiceFilter(
        queryset=_modules_for_request, label=_("Module")
    )

    class Meta:
        model = LiveSession
        fields = ["module", "mode"]


class LiveSessionIndexView(SnippetIndexView):
    register_url_name: str | None = None

    def get_base_queryset(self) -> QuerySet[LiveSession]:
        return (
            self.permission_policy.instances_user_has_permission_for(
                self.request.user, "view"
            )
            .select_related("module", "cohort")
            .order_by("-start")
        )

    def get_list_more_buttons(self, instance: LiveSession) -> list:
        return [
            ListingMenuItem(
                _("Attendance register"),
                url=reverse(self.register_url_name, args=[instance.pk]),
                icon_name="tasks",
                priority=5,
            ),
            *super().get_list_more_buttons(instance),
        ]


class InstancePermissionMixin:
    """Refuse one session's screens to staff of other courses, who may still
    have the screens of their own."""

    def get_object(self, queryset=None):
        instance = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, self.permission_required, instance
        ):
            raise PermissionDenied
        return instance


class LiveSessionEditView(InstancePermissionMixin, SnippetEditView):
    pass


class LiveSessionDeleteView(InstancePermissionMixin, SnippetDeleteView):
    pass


class RegisterForm(forms.Form):
    """One status and hours field pair per learner in the session's register."""

    def __init__(
        self,
        *args,
        session: LiveSession,
        enrolments: list[Enrolment],
        attendance: dict[int, Attendance],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.session = session
        self.rows = []
        for enrolment in enrolments:
            marked = attendance.get(enrolment.pk)
            status_name, hours_name = f"status-{enrolment.pk}", f"hours-{enrolment.pk}"
            self.fields[status_name] = forms.ChoiceField(
                label=_("Attendance"),
                choices=Attendance.Status.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=marked.status if marked else None,
            )
            self.fields[hours_name] = forms.DecimalField(
                label=_("Hours"),
                min_value=Decimal(0),
                max_value=session.hours,
                max_digits=4,
                decimal_places=1,
                required=False,
                localize=True,
                initial=marked.hours if marked else None,
                help_text=_("Empty: the session's hours for a present learner."),
            )
            self.rows.append(
                {
                    "enrolment": enrolment,
                    "attendance": marked,
                    "status": self[status_name],
                    "hours": self[hours_name],
                }
            )

    def save(self, actor: AbstractBaseUser) -> int:
        """Record each learner whose status or hours changed, all or nothing;
        returns how many were recorded."""
        changed = 0
        with transaction.atomic():
            for row in self.rows:
                enrolment, marked = row["enrolment"], row["attendance"]
                status = self.cleaned_data[f"status-{enrolment.pk}"]
                hours = self.cleaned_data[f"hours-{enrolment.pk}"]
                if not status:
                    continue
                if status != Attendance.Status.PRESENT and hours == 0:
                    hours = None
                if (
                    marked is not None
                    and marked.status == status
                    and (hours is None or hours == marked.hours)
                ):
                    continue
                try:
                    mark_attendance(
                        self.session, enrolment, status, hours=hours, actor=actor
                    )
                except AttendanceError as exc:
                    self.add_error(f"hours-{enrolment.pk}", str(exc))
                    continue
                changed += 1
            if self.errors:
                transaction.set_rollback(True)
                return 0
        return changed


class SessionRegisterView(WagtailAdminTemplateMixin, TemplateView):
    """The attendance register of one session: all learners, one POST."""

    template_name = "courses/admin/session_register.html"
    header_icon = "tasks"
    index_url_name: str | None = None
    regenerate_url_name: str | None = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.session = get_object_or_404(
            LiveSession.objects.select_related("module", "cohort"), pk=kwargs["pk"]
        )
        policy = LiveSessionPermissionPolicy(LiveSession)
        if not policy.user_has_permission_for_instance(
            request.user, "change", self.session
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return _("Attendance register")

    def get_page_subtitle(self) -> str:
        return str(self.session)

    def get_breadcrumbs_items(self) -> list[dict]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Live sessions")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_form(self, data=None) -> RegisterForm:
        enrolments = register_enrolments(self.session)
        attendance = {
            row.enrolment_id: row
            for row in Attendance.objects.filter(session=self.session)
        }
        return RegisterForm(
            data,
            session=self.session,
            enrolments=enrolments,
            attendance=attendance,
        )

    def get_context_data(self, **kwargs) -> dict:
        kwargs.setdefault("form", self.get_form())
        return super().get_context_data(
            session=self.session,
            regenerate_url=reverse(self.regenerate_url_name, args=[self.session.pk]),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        form = self.get_form(request.POST)
        if form.is_valid():
            changed = form.save(actor=request.user)
            if not form.errors:
                messages.success(
                    request,
                    ngettext(
                        "Attendance saved for %(count)d learner.",
                        "Attendance saved for %(count)d learners.",
                        changed,
                    )
                    % {"count": changed},
                )
                return redirect(request.path)
        messages.error(request, _("The register was not saved: see the errors below."))
        return self.render_to_response(self.get_context_data(form=form))


class RegenerateCheckInCodeView(View):
    """A new check-in code, e.g. when the old one was shared outside the room."""

    register_url_name: str | None = None

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        session = get_object_or_404(LiveSession, pk=pk)
        policy = LiveSessionPermissionPolicy(LiveSession)
        if not policy.user_has_permission_for_instance(request.user, "change", session):
            raise PermissionDenied
        code = session.regenerate_check_in_code()
        messages.success(
            request, _("The new check-in code is %(code)s.") % {"code": code}
        )
        return redirect(self.register_url_name, pk)


def _session_start(session: LiveSession) -> str:
    return formats.date_format(timezone.localtime(session.start), "DATETIME_FORMAT")


class LiveSessionViewSet(SnippetViewSet):
    model = LiveSession
    icon = "date"
    menu_label = _("Live sessions")
    add_to_admin_menu = True
    menu_order = 215
    index_view_class = LiveSessionIndexView
    edit_view_class = LiveSessionEditView
    delete_view_class = LiveSessionDeleteView
    copy_view_enabled = False
    list_display = [
        "title",
        Column("start", label=_("Starts"), accessor=_session_start, sort_key="start"),
        "mode",
        "module",
        "cohort",
        "hours",
    ]
    filterset_class = LiveSessionFilterSet
    search_fields = ["title", "title_en", "place", "place_en"]
    search_backend_name = None

    def get_edit_handler(self) -> ObjectList:
        # The model's panels, in a form that offers only the user's own modules.
        return ObjectList(
            self.model.panels, base_form_class=LiveSessionForm
        ).bind_to_model(self.model)

    def get_index_view_kwargs(self, **kwargs) -> dict:
        return super().get_index_view_kwargs(
            register_url_name=self.get_url_name("register"), **kwargs
        )

    def get_urlpatterns(self) -> list:
        return [
            *super().get_urlpatterns(),
            path(
                "register/<int:pk>/",
                SessionRegisterView.as_view(
                    index_url_name=self.get_url_name("list"),
                    regenerate_url_name=self.get_url_name("regenerate_code"),
                ),
                name="register",
            ),
            path(
                "regenerate-code/<int:pk>/",
                RegenerateCheckInCodeView.as_view(
                    register_url_name=self.get_url_name("register")
                ),
                name="regenerate_code",
            ),
        ]

    def get_permissions_to_register(self) -> QuerySet:
        # Access follows page permissions (LiveSessionPermissionPolicy).
        return Permission.objects.none()
