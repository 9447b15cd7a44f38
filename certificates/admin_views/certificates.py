"""Admin screens for certificates, declared as viewsets (wired in wagtail_hooks).

Those who may issue a course's certificates see them; those who may revoke them
also revoke and re-issue (:mod:`certificates.permissions`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.generic import IndexView
from wagtail.admin.widgets.button import HeaderButton

from certificates.admin_views.actions import IssueView, ReissueView, RevokeView
from certificates.admin_views.archive import ZipFormView, download_zip
from certificates.admin_views.bulk import BulkIssueView, BulkJobView, bulk_job_status
from certificates.models import (
    Certificate,
)
from certificates.permissions import ISSUE_CERTIFICATE, REVOKE_CERTIFICATE
from courses.admin_base import IdChoiceFilter, LatvianSortMixin, ListingOnlyViewSet
from courses.permissions import (
    CourseRecordPermissionPolicy,
    cohort_choices_for,
    course_choices_for,
    holds,
)

if TYPE_CHECKING:
    from django.db.models import QuerySet


# Issued certificates ---------------------------------------------------------


class CertificatePermissionPolicy(CourseRecordPermissionPolicy):
    """Those who may issue a course's certificates see them; those who may
    revoke them revoke and re-issue them.

    Certificates change only through :mod:`certificates.issuing`, so the admin
    offers no add, edit or delete screens for them.
    """

    # Revoking is not Wagtail's "change": the listing would link to an edit
    # screen that does not exist.
    capabilities = {"view": ISSUE_CERTIFICATE, "revoke": REVOKE_CERTIFICATE}


class CertificateFilterSet(WagtailFilterSet):
    course = IdChoiceFilter(
        queryset=course_choices_for(ISSUE_CERTIFICATE),
        label=_("Course"),
        method="filter_course",
    )
    cohort = IdChoiceFilter(
        queryset=cohort_choices_for(ISSUE_CERTIFICATE), label=_("Cohort")
    )

    class Meta:
        model = Certificate
        fields = ["status", "course", "cohort"]

    def filter_course(self, queryset, name, value):
        # Both language versions of a course share their certificates.
        return queryset.filter(course_key=value.translation_key)


class CertificateIndexView(LatvianSortMixin, IndexView):
    latvian_sort_keys = {"learner_name": ("learner_name",)}

    def get_base_queryset(self) -> QuerySet[Certificate]:
        return self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        ).select_related("cohort")

    def get_list_more_buttons(self, instance: Certificate) -> list:
        buttons = [
            MenuItem(
                _("Download PDF"),
                url=instance.get_download_url(),
                icon_name="download",
                priority=10,
            ),
            MenuItem(
                _("Verification page"),
                url=instance.get_absolute_url(),
                icon_name="link-external",
                priority=20,
            ),
        ]
        if not self.may_revoke:
            return buttons
        if instance.status != Certificate.Status.SUPERSEDED:
            # A revoked certificate too: re-issuing it is how staff give the
            # learner one again, since issuing never does on its own.
            buttons.append(
                MenuItem(
                    _("Re-issue"),
                    url=reverse("certificates_admin:reissue", args=[instance.pk]),
                    icon_name="resubmit",
                    priority=30,
                )
            )
        if instance.status == Certificate.Status.VALID:
            buttons += [
                MenuItem(
                    _("Revoke"),
                    url=reverse("certificates_admin:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=40,
                ),
            ]
        return buttons

    @cached_property
    def may_revoke(self) -> bool:
        return holds(self.request.user, REVOKE_CERTIFICATE)

    @cached_property
    def header_more_buttons(self) -> list:
        return [
            HeaderButton(
                _("Issue one"),
                url=reverse("certificates_admin:issue"),
                icon_name="plus",
            ),
            HeaderButton(
                _("Bulk issue"),
                url=reverse("certificates_admin:bulk"),
                icon_name="doc-full-inverse",
            ),
            HeaderButton(
                _("Download ZIP"),
                url=reverse("certificates_admin:zip_form"),
                icon_name="download",
            ),
        ]


class CertificateViewSet(ListingOnlyViewSet):
    """Issued certificates of the staff member's courses."""

    model = Certificate
    permission_policy = CertificatePermissionPolicy(Certificate)
    name = "certificates_admin"
    url_prefix = "certificates"
    icon = "doc-full"
    menu_label = _("Certificates")
    add_to_admin_menu = True
    menu_order = 215
    index_view_class = CertificateIndexView
    list_display = [
        "serial",
        Column(
            "learner_name",
            label=pgettext_lazy("person", "Name"),
            sort_key="learner_name",
        ),
        "course_title",
        "cohort",
        "hours",
        "status",
        DateColumn("issued_at", label=_("Issued"), sort_key="issued_at"),
        "issued_how",
    ]
    filterset_class = CertificateFilterSet
    search_fields = ["learner_name", "serial"]
    search_backend_name = None

    def get_extra_urlpatterns(self) -> list:
        # Certificates change only through certificates.issuing, behind these screens.
        return [
            path("issue/", IssueView.as_view(), name="issue"),
            path("<id:pk>/revoke/", RevokeView.as_view(), name="revoke"),
            path("<id:pk>/reissue/", ReissueView.as_view(), name="reissue"),
            path("bulk/", BulkIssueView.as_view(), name="bulk"),
            path("bulk/<id:pk>/", BulkJobView.as_view(), name="bulk_job"),
            path("bulk/<id:pk>/status/", bulk_job_status, name="bulk_job_status"),
            path("zip/", ZipFormView.as_view(), name="zip_form"),
            path("zip/download/", download_zip, name="zip"),
        ]
