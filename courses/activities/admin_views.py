"""E-learning activities in the admin: a snippet whose add and edit screens take
the package file (SCORM 1.2, SCORM 2004 or H5P), check it with the one
validator and store it once by its content hash (``packages.py``).

A new file on the edit screen makes a new package and points the activity at it;
learners' earlier attempts keep the package they played."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.snippets.views import snippets as snippet_views

from courses.activities.packages import PackageError, inspect_package, store_package
from courses.admin_base import ContentSnippetViewSet, RefuseProtectedDeleteMixin
from courses.models import Activity

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db.models import QuerySet
    from django.http import HttpRequest


class ActivityForm(WagtailAdminModelForm):
    """The activity's fields and its package file: required to add an activity,
    optional on edit (a new version)."""

    package_file = forms.FileField(
        label=_("Package file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,.h5p"}),
        help_text=_(
            "A SCORM 1.2, SCORM 2004 or H5P package: the ZIP file an authoring tool "
            "exports (an .h5p file is one too)."
        ),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["package_file"]
        if self.instance.pk is None:
            field.required = True
        else:
            field.help_text = _(
                "Upload a new version to replace the package. Learners who have "
                "begun keep the version they started."
            )

    def clean_package_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("package_file")
        if upload:
            try:
                inspect_package(upload)
            except PackageError as refused:
                raise forms.ValidationError(refused.message, code="package") from None
        return upload

    def clean(self) -> dict:
        data = super().clean()
        if data.get("rule") == Activity.Rule.SCORE and data.get("min_score") is None:
            self.add_error(
                "min_score",
                _(
                    "The activity is done when the score reaches the minimum: give "
                    "the minimum score."
                ),
            )
        return data

    def save(self, commit: bool = True) -> Activity:
        upload = self.cleaned_data.get("package_file")
        if upload:
            self.instance.package, _created = store_package(
                upload, uploaded_by=self.for_user
            )
        return super().save(commit=commit)


class PackagePanel(HelpPanel):
    """What the activity plays now, read-only, on its edit screen."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs) -> None:
            super().__init__(**kwargs)
            # A new activity has no package yet: the panel is shown on edit only.
            if self.is_shown():
                self.content = package_summary(self.instance)

        def is_shown(self) -> bool:
            return self.instance.pk is not None


def package_summary(activity: Activity) -> str:
    """The package's format, title, size and launch file, as a definition list."""
    package = activity.package
    rows = [
        (gettext("Format"), package.get_kind_display()),
        (gettext("Title in the package"), package.title or "–"),
        (gettext("Size unpacked"), filesizeformat(package.size)),
        (gettext("Files"), package.file_count),
        (gettext("Launch file"), package.launch),
    ]
    return format_html(
        "<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows)
    )


class ActivityDeleteView(RefuseProtectedDeleteMixin, snippet_views.DeleteView):
    pass


class ActivityViewSet(ContentSnippetViewSet):
    model = Activity
    icon = "media"
    menu_label = _("E-learning activities")
    chooser_texts = (
        _("Choose an e-learning activity"),
        _("Choose another e-learning activity"),
        _("Edit this e-learning activity"),
    )
    list_display = [
        "title",
        Column(
            "format",
            label=_("Format"),
            accessor=lambda activity: activity.package.get_kind_display(),
        ),
        "rule",
        "updated_at",
    ]
    search_fields = ["title"]
    search_backend_name = None
    delete_view_class = ActivityDeleteView
    # A copy would have no package: an activity is made from its file.
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            FieldPanel("title"),
            FieldPanel("package_file"),
            PackagePanel(heading=_("Package in use")),
            FieldPanel("rule"),
            FieldPanel("min_score"),
        ],
        base_form_class=ActivityForm,
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Activity]:
        return Activity.objects.select_related("package")
