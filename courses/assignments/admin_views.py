"""Admin screens for assessment: quiz and assignment snippets, and the review of
submissions (wired in wagtail_hooks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import HeaderButton

from courses.admin_base import (
    ContentSnippetViewSet,
    LatvianSortMixin,
    ListingOnlyViewSet,
    capability_menu_item,
)
from courses.assignments.peer_admin import (
    ModerateCommentView,
    PeerCommentsView,
    comments_to_moderate,
    with_names,
)
from courses.assignments.submissions import SubmissionError, review_submission
from courses.models import (
    Assignment,
    AssignmentSubmission,
    FrameworkLevel,
)
from courses.permissions import REVIEW_SUBMISSION, CourseRecordPermissionPolicy

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse


class AssignmentViewSet(ContentSnippetViewSet):
    chooser_texts = (
        _("Choose an assignment"),
        _("Choose another assignment"),
        _("Edit this assignment"),
    )
    model = Assignment
    icon = "doc-full"
    menu_label = _("Assignments")
    list_display = ["title", "page"]
    search_fields = ["title"]
    search_backend_name = None


# Review of submissions -----------------------------------------------------------


class SubmissionPermissionPolicy(CourseRecordPermissionPolicy):
    """Reviewers (a cohort's tutors; those who review every course's) view and
    review the submissions of their learners: the rule of
    :func:`courses.permissions.may_review_submissions`."""

    capabilities = dict.fromkeys(["view", "change"], REVIEW_SUBMISSION)
    enrolment_prefix = "enrolment__"


class SubmissionIndexView(LatvianSortMixin, IndexView):
    peer_comments_url_name: str = ""
    latvian_sort_keys = {
        "enrolment__user__last_name": (
            "enrolment__user__last_name",
            "enrolment__user__first_name",
        )
    }

    def get_base_queryset(self) -> QuerySet[AssignmentSubmission]:
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        ).select_related("enrolment__user", "enrolment__course", "assignment")

    @cached_property
    def header_buttons(self) -> list:
        return [
            *super().header_buttons,
            HeaderButton(
                _("Peer comments"),
                url=reverse(self.peer_comments_url_name),
                icon_name="comment",
            ),
        ]


def _learner(submission: AssignmentSubmission) -> str:
    user = submission.enrolment.user
    return user.get_full_name() or user.get_username()


class ReviewForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (AssignmentSubmission.Status.ACCEPTED, _("Accept")),
            (AssignmentSubmission.Status.RETURNED, _("Return for revision")),
        ],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label=_("Feedback to the learner"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )

    def __init__(self, *args, submission: AssignmentSubmission, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.competences = (
            list(submission.assignment.competences.select_related("framework"))
            if submission.assignment
            else []
        )
        current = {
            a.competence_id: a.level_id for a in submission.assessed_competences.all()
        }
        for competence in self.competences:
            self.fields[f"level_{competence.pk}"] = forms.ModelChoiceField(
                label=str(competence),
                queryset=FrameworkLevel.objects.filter(
                    framework_id=competence.framework_id
                ),
                required=False,
                initial=current.get(competence.pk),
                empty_label=_("Not assessed"),
            )

    def levels(self) -> dict[int, FrameworkLevel | None]:
        return {
            competence.pk: self.cleaned_data.get(f"level_{competence.pk}")
            for competence in self.competences
        }


class ReviewView(WagtailAdminTemplateMixin, FormView):
    """Accept or return a submission, with feedback and competence levels."""

    template_name = "courses/admin/review_submission.html"
    form_class = ReviewForm
    page_title = _("Review submission")
    header_icon = "doc-full"
    index_url_name: str = ""
    permission_policy: SubmissionPermissionPolicy | None = None

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        self.submission = get_object_or_404(
            AssignmentSubmission.objects.select_related(
                "enrolment__user", "enrolment__course", "assignment", "reviewed_by"
            ),
            pk=kwargs["pk"],
        )
        if not self.permission_policy.user_has_permission_for_instance(
            request.user, "change", self.submission
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        kwargs["submission"] = self.submission
        if self.submission.status != AssignmentSubmission.Status.SUBMITTED:
            kwargs["initial"] = {
                "status": self.submission.status,
                "feedback": self.submission.feedback,
            }
        return kwargs

    def get_breadcrumbs_items(self) -> list[dict]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Submissions")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        context["submission"] = self.submission
        context["learner"] = _learner(self.submission)
        context["history"] = (
            AssignmentSubmission.objects.filter(
                enrolment=self.submission.enrolment,
                assignment_key=self.submission.assignment_key,
            )
            .exclude(pk=self.submission.pk)
            .order_by("-submitted_at")
        )
        context["peer_reviews"] = with_names(
            comments_to_moderate(self.permission_policy, self.request.user)
            .filter(submission=self.submission)
            .order_by("commented_at", "pk")
        )
        context["next"] = self.request.get_full_path()
        return context

    def form_valid(self, form: ReviewForm) -> HttpResponse:
        try:
            review_submission(
                self.submission,
                self.request.user,
                form.cleaned_data["status"],
                form.cleaned_data["feedback"],
                form.levels(),
            )
        except SubmissionError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        # Translated now, in the admin's language: a lazy text would be read
        # after the view, in the browser's.
        messages.success(self.request, gettext("The review has been saved."))
        return redirect(self.index_url_name)


class SubmissionViewSet(ListingOnlyViewSet):
    """Submissions to review, for the course team."""

    model = AssignmentSubmission
    permission_policy = SubmissionPermissionPolicy(AssignmentSubmission)
    name = "submissions"
    url_prefix = "assessment/submissions"
    icon = "doc-full"
    menu_label = _("Submissions")
    menu_order = 207
    add_to_admin_menu = True
    index_view_class = SubmissionIndexView
    list_display = [
        TitleColumn(
            "learner",
            label=_("Learner"),
            accessor=_learner,
            url_name="submissions:edit",
            sort_key="enrolment__user__last_name",
        ),
        "assignment",
        Column("course", label=_("Course"), accessor="enrolment.course"),
        DateColumn("submitted_at", label=_("Submitted"), sort_key="submitted_at"),
        "status",
        DateColumn("reviewed_at", label=_("Reviewed"), sort_key="reviewed_at"),
    ]
    list_filter = ["status"]
    search_fields = ["enrolment__user__first_name", "enrolment__user__last_name"]
    search_backend_name = None

    def get_index_view_kwargs(self, **kwargs) -> dict:
        return {
            **super().get_index_view_kwargs(**kwargs),
            "peer_comments_url_name": self.get_url_name("peer_comments"),
        }

    @property
    def review_view(self):
        return ReviewView.as_view(
            permission_policy=self.permission_policy,
            index_url_name=self.get_url_name("index"),
        )

    def get_extra_urlpatterns(self) -> list:
        # Submissions change only by review; learners create them.
        return [
            path("<id:pk>/", self.review_view, name="edit"),
            path(
                "peer-comments/",
                PeerCommentsView.as_view(
                    permission_policy=self.permission_policy,
                    index_url_name=self.get_url_name("index"),
                ),
                name="peer_comments",
            ),
            path(
                "peer-comments/<id:pk>/moderate/",
                ModerateCommentView.as_view(
                    permission_policy=self.permission_policy,
                    list_url_name=self.get_url_name("peer_comments"),
                ),
                name="moderate_comment",
            ),
        ]

    @cached_property
    def menu_item_class(self) -> type[MenuItem]:
        return capability_menu_item(REVIEW_SUBMISSION)
