"""The course team's moderation of peer comments: the comments waiting for a
decision, and approving or hiding one. Who may moderate is whoever may review
the submission commented on: the views are given the submissions' permission
policy (wired in :class:`~courses.assignments.admin_views.SubmissionViewSet`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.assignments.peer import moderate_comment, reviewer_name
from courses.assignments.submissions import SubmissionError
from courses.models import PeerReview

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.http import HttpRequest, HttpResponse
    from wagtail.permission_policies import BasePermissionPolicy


def comments_to_moderate(
    policy: BasePermissionPolicy, user: AbstractBaseUser
) -> QuerySet[PeerReview]:
    """Written comments on the submissions ``user`` may review."""
    return (
        PeerReview.objects.filter(
            submission__in=policy.instances_user_has_permission_for(user, "change")
        )
        .exclude(status=PeerReview.Status.OFFERED)
        .select_related(
            "reviewer__user",
            "submission__enrolment__user",
            "submission__assignment",
            "moderated_by",
        )
    )


def with_names(reviews) -> list[PeerReview]:
    """The reviews, each with ``reviewer_name`` and ``author_name`` for the table."""
    reviews = list(reviews)
    for review in reviews:
        review.reviewer_name = reviewer_name(review)
        author = review.submission.enrolment.user
        review.author_name = author.get_full_name() or author.get_username()
    return reviews


class PeerCommentsView(WagtailAdminTemplateMixin, TemplateView):
    """Peer comments waiting for a decision, oldest first; with ``?all=1`` the
    decided ones too."""

    template_name = "courses/admin/peer_comments.html"
    page_title = _("Peer comments")
    header_icon = "comment"
    permission_policy: BasePermissionPolicy | None = None
    index_url_name: str = ""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict]:
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Submissions")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs) -> dict:
        context = super().get_context_data(**kwargs)
        show_all = self.request.GET.get("all") == "1"
        reviews = comments_to_moderate(self.permission_policy, self.request.user)
        if not show_all:
            reviews = reviews.filter(status=PeerReview.Status.PENDING)
        context["reviews"] = with_names(reviews.order_by("commented_at", "pk")[:200])
        context["show_all"] = show_all
        context["next"] = self.request.get_full_path()
        return context


class ModerateCommentView(View):
    """Approve or hide one comment (POST only), then go back where the form was."""

    http_method_names = ["post"]
    permission_policy: BasePermissionPolicy | None = None
    list_url_name: str = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        review = get_object_or_404(
            PeerReview.objects.select_related("submission__enrolment"), pk=pk
        )
        if not self.permission_policy.user_has_permission_for_instance(
            request.user, "change", review.submission
        ):
            raise PermissionDenied
        try:
            moderate_comment(review, request.user, request.POST.get("decision", ""))
        except SubmissionError as error:
            messages.error(request, str(error))
        else:
            # Translated now, in the admin's language: a lazy text would be
            # read after the view, in the browser's.
            messages.success(
                request,
                gettext("The comment is shown to the author of the work.")
                if review.status == PeerReview.Status.APPROVED
                else gettext("The comment is hidden."),
            )
        back = request.POST.get("next", "")
        # Only a path of this site: never a view name, nor another site.
        if not back.startswith("/") or not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse(self.list_url_name)
        return HttpResponseRedirect(back)
