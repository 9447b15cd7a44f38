"""Live sessions in the admin: scheduling them, their check-in codes and the
attendance register, for the courses a member of staff may edit."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView, View
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.snippets.views.snippets import IndexView as SnippetIndexView

from courses.admin_base import (
    CourseRecordSnippetViewSet,
    IdChoiceField,
    IdChoiceFilter,
    PolicyPermissionsOnlyMixin,
)
from courses.live_sessions.attendance import (
    AttendanceError,
    mark_attendance,
    register_enrolments,
)
from courses.models import (
    Attendance,
    Enrolment,
    LiveSession,
    ModulePage,
)
from courses.permissions import (
    SCHEDULE_SESSIONS,
    TAKE_ATTENDANCE,
    Capability,
    CourseRecordPermissionPolicy,
    cohorts_for,
    enrolments_for,
    holds,
    modules_for,
    tutored_cohorts,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse


class LiveSessionPermissionPolicy(CourseRecordPermissionPolicy):
    """A course's authors (and those who schedule every course's) schedule its
    sessions; those who take attendance keep their registers: a tutor, those of
    their cohorts and those for every cohort of their course."""

    capabilities = {
        **dict.fromkeys(["add", "change", "delete"], SCHEDULE_SESSIONS),
        "view": (SCHEDULE_SESSIONS, TAKE_ATTENDANCE),
        "take_attendance": TAKE_ATTENDANCE,
    }

    def scope(self, user: AbstractBaseUser, capability: Capability) -> Q:
        scope = super().scope(user, capability)
        if not capability.tutors:
            return scope
        cohorts = tutored_cohorts(user, capability)
        return (
            scope
            | Q(cohort__in=cohorts)
            | Q(
                cohort__isnull=True,
                course_key__in=cohorts.values("course__translation_key"),
            )
        )


class ModuleChoiceField(IdChoiceField):
    def label_from_instance(self, obj: ModulePage) -> str:
        language = obj.locale.language_code
        return f"{obj.course_title} › {obj.title} ({language})"


class LiveSessionForm(WagtailAdminModelForm):
    """Offers only the modules and cohorts of courses the user schedules."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user = self.for_user
        field = self.fields["module"]
        self.fields["module"] = ModuleChoiceField(
            queryset=modules_for(user, SCHEDULE_SESSIONS),
            label=field.label,
            help_text=_("The Latvian and English course pages both show the session."),
        )
        self.fields["cohort"].queryset = cohorts_for(user, SCHEDULE_SESSIONS)


def _modules_for_request(request: HttpRequest | None) -> QuerySet[ModulePage]:
    if request is None:
        return ModulePage.objects.none()
    return modules_for(request.user, SCHEDULE_SESSIONS, TAKE_ATTENDANCE)


class LiveSessionFilterSet(WagtailFilterSet):
    # Only the modules of the user's own courses, so the filter names no others.
    module = IdChoiceFilter(queryset=_modules_for_request, label=_("Module"))

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

    @cached_property
    def takes_attendance(self) -> bool:
        return holds(self.request.user, TAKE_ATTENDANCE)

    def get_list_more_buttons(self, instance: LiveSession) -> list:
        buttons = super().get_list_more_buttons(instance)
        if not self.takes_attendance:
            return buttons
        register = ListingMenuItem(
            _("Attendance register"),
            url=reverse(self.register_url_name, args=[instance.pk]),
            icon_name="tasks",
            priority=5,
        )
        return [register, *buttons]


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
            request.user, "take_attendance", self.session
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
        # A tutor's register lists their cohorts' learners only.
        learners = set(
            enrolments_for(self.request.user, TAKE_ATTENDANCE)
            .filter(course_key=self.session.course_key)
            .values_list("pk", flat=True)
        )
        enrolments = [
            enrolment
            for enrolment in register_enrolments(self.session)
            if enrolment.pk in learners
        ]
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
        if not policy.user_has_permission_for_instance(
            request.user, "take_attendance", session
        ):
            raise PermissionDenied
        code = session.regenerate_check_in_code()
        messages.success(
            request, _("The new check-in code is %(code)s.") % {"code": code}
        )
        return redirect(self.register_url_name, pk)


def _session_start(session: LiveSession) -> str:
    return formats.date_format(timezone.localtime(session.start), "DATETIME_FORMAT")


class LiveSessionViewSet(PolicyPermissionsOnlyMixin, CourseRecordSnippetViewSet):
    chooser_texts = (
        _("Choose a live session"),
        _("Choose another live session"),
        _("Edit this live session"),
    )
    model = LiveSession
    permission_policy = LiveSessionPermissionPolicy(LiveSession)
    icon = "date"
    menu_label = _("Live sessions")
    add_to_admin_menu = True
    menu_order = 215
    index_view_class = LiveSessionIndexView
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
                "register/<id:pk>/",
                SessionRegisterView.as_view(
                    index_url_name=self.get_url_name("list"),
                    regenerate_url_name=self.get_url_name("regenerate_code"),
                ),
                name="register",
            ),
            path(
                "regenerate-code/<id:pk>/",
                RegenerateCheckInCodeView.as_view(
                    register_url_name=self.get_url_name("register")
                ),
                name="regenerate_code",
            ),
        ]
