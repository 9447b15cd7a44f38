"""Admin building blocks that several features' screens share."""

from __future__ import annotations

from typing import TYPE_CHECKING

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.snippets.views import chooser
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.widgets import AdminSnippetChooser

from courses.collation import in_latvian_order
from courses.converters import as_id
from courses.models import (
    CoursePage,
)
from courses.permissions import Capability, holds_any

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.http import HttpRequest, HttpResponse
    from django.urls import URLPattern


class IdChoiceField(forms.ModelChoiceField):
    """A choice by id that refuses what cannot be an id (``²``, 10^20) as an
    invalid choice, before the database sees it."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if (self.to_field_name or "pk") == "pk" and as_id(str(value)) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


class CourseChoiceField(IdChoiceField):
    def label_from_instance(self, obj: CoursePage) -> str:
        return f"{obj.title} ({obj.locale.get_display_name()})"


def capability_menu_item(*capabilities: Capability) -> type[MenuItem]:
    """A menu item shown to those who have any of ``capabilities`` in at least
    one course."""

    class CapabilityMenuItem(MenuItem):
        def is_shown(self, request: HttpRequest) -> bool:
            return holds_any(request.user, *capabilities)

    return CapabilityMenuItem


# One course's records in the admin ---------------------------------------------


class InstancePermissionMixin:
    """Refuse one record's screens to staff of other courses, who may still have
    the screens of their own."""

    def get_object(self, *args, **kwargs) -> Model:
        instance = super().get_object(*args, **kwargs)
        actions = (
            [self.permission_required]
            if getattr(self, "permission_required", None)
            else self.any_permission_required
        )
        if not self.permission_policy.user_has_any_permission_for_instance(
            self.request.user, actions, instance
        ):
            raise PermissionDenied
        return instance


class RefuseProtectedDeleteMixin:
    """Deleting a record that learners' records still point to is refused with a
    message: their attendance or enrolments are never lost with it."""

    def form_valid(self, form) -> HttpResponse:
        try:
            return super().form_valid(form)
        except ProtectedError:
            messages.error(
                self.request,
                _("%(object)s cannot be deleted: learners' records refer to it.")
                % {"object": self.object},
            )
            return HttpResponseRedirect(self.request.path)


class ScopedEditView(InstancePermissionMixin, snippet_views.EditView):
    pass


class ScopedDeleteView(
    RefuseProtectedDeleteMixin, InstancePermissionMixin, snippet_views.DeleteView
):
    pass


class ScopedUsageView(InstancePermissionMixin, snippet_views.UsageView):
    pass


class ScopedHistoryView(InstancePermissionMixin, snippet_views.HistoryView):
    pass


class ScopedInspectView(InstancePermissionMixin, snippet_views.InspectView):
    pass


class ScopedChoicesMixin:
    """The chooser lists only what the user's permission policy lets them see."""

    def get_object_list(self) -> QuerySet:
        policy = self.model_class.snippet_viewset.permission_policy
        return policy.instances_user_has_any_permission_for(
            self.request.user, ["view", "change"]
        )


class ScopedChooseView(ScopedChoicesMixin, chooser.ChooseView):
    pass


class ScopedChooseResultsView(ScopedChoicesMixin, chooser.ChooseResultsView):
    pass


class IdChosenView(chooser.SnippetChosenView):
    """A 404 for what cannot be an id, where Wagtail would fail converting it."""

    def get_object(self, pk: str) -> Model:
        if as_id(pk) is None:
            raise Http404
        return super().get_object(pk)


class ScopedChosenView(ScopedChoicesMixin, IdChosenView):
    def get_object(self, pk: str) -> Model:
        if as_id(pk) is None:
            raise Http404
        return self.get_object_list().get(pk=pk)


class NoCreationView(chooser.SnippetCreateView):
    """Records are made on their own add screen, where all their fields are; the
    chooser has no creation form to post to."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        raise Http404


class UnscheduleView(snippet_views.RevisionsUnscheduleView):
    """Wagtail's view hands a relative ``next`` (``x``, ``%00``) to ``redirect()``,
    which takes it for a view's name and fails; only a path on this site is
    followed here."""

    def get_next_url(self) -> str:
        target = super().get_next_url()
        if target.startswith("/"):
            return target
        return reverse(self.history_url_name, args=(quote(self.object.pk),))


class TranslatedChooserTexts:
    """The chooser's texts, translated when shown.

    Wagtail's ``ChooserViewSet`` translates them when it is imported, so every
    admin read them in the language active then: "Izvēlēties competence" in an
    English admin.
    """

    # Wagtail's own msgids, so Wagtail's catalogue translates them too.
    choose_one_text = _("Choose")
    page_title = _("Choose")
    choose_another_text = _("Choose another")
    edit_item_text = _("Edit")
    # The modal's tabs, shown where the chooser has a creation form.
    search_tab_label = _("Search")
    create_action_label = _("Create")


class NamedSnippetChooser(AdminSnippetChooser):
    """Wagtail's snippet chooser button with the texts its class gives.

    ``AdminSnippetChooser`` writes "Choose %(object)s" over them, which Latvian
    cannot say: the object needs its accusative ("Izvēlēties testu", not
    "Izvēlēties tests"). :class:`NamedChooserMixin` makes a subclass per model
    that names its record in whole sentences."""

    def __init__(self, model=None, **kwargs) -> None:
        # Wagtail 7.4 asks for the model; 8 falls back to the class's.
        super().__init__(model or self.model, **kwargs)
        for name in ("choose_one_text", "choose_another_text", "link_to_chosen_text"):
            # The instance's texts hide the class's.
            self.__dict__.pop(name, None)


class ScopedChooserViewSet(TranslatedChooserTexts, chooser.SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    create_view_class = NoCreationView


class NamedChooserMixin:
    """A snippet viewset whose chooser button names its record in whole
    sentences, given as ``chooser_texts``: ("Choose a quiz", "Choose another
    quiz", "Edit this quiz"). See :class:`NamedSnippetChooser`."""

    chooser_texts: tuple[str, str, str] | None = None

    @property
    def chooser_viewset(self):
        viewset = super().chooser_viewset
        if self.chooser_texts:
            one, another, edit = self.chooser_texts
            # Set on the viewset, for the widget it registers for the model's
            # foreign keys and chooser blocks (Wagtail 7.4 makes an instance of
            # ``AdminSnippetChooser`` there, 8 a class from ``base_widget_class``).
            viewset.widget_class = type(
                f"{self.model.__name__}ChooserWidget",
                (NamedSnippetChooser,),
                {
                    "model": self.model,
                    "icon": self.icon,
                    "choose_one_text": one,
                    "choose_another_text": another,
                    "link_to_chosen_text": edit,
                },
            )
        return viewset


class CourseRecordSnippetViewSet(NamedChooserMixin, snippet_views.SnippetViewSet):
    """Snippets that belong to one course (cohorts, live sessions): each
    record's screens and the choosers only for staff who may edit its course.
    Subclasses set a :class:`~courses.permissions.CourseRecordPermissionPolicy`."""

    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    usage_view_class = ScopedUsageView
    history_view_class = ScopedHistoryView
    inspect_view_class = ScopedInspectView
    chooser_viewset_class = ScopedChooserViewSet
    revisions_unschedule_view_class = UnscheduleView
    copy_view_enabled = False


class ContentChooserViewSet(TranslatedChooserTexts, chooser.SnippetChooserViewSet):
    chosen_view_class = IdChosenView
    create_view_class = NoCreationView


class ContentSnippetViewSet(NamedChooserMixin, snippet_views.SnippetViewSet):
    """Snippets shared by courses (quizzes, assignments, competences): the
    chooser offers no creation form, so there is nothing half-made to post,
    unless a subclass gives its chooser one."""

    chooser_viewset_class = ContentChooserViewSet
    revisions_unschedule_view_class = UnscheduleView


# Listing-only screens ---------------------------------------------------------


class LatvianSortMixin:
    """An index view whose text columns sort in Latvian order ("Ābele" with A,
    "Šmits" after "Sproģis"): ``latvian_sort_keys`` maps a column's sort key to
    the text fields it sorts by, ties broken by id so pages never overlap."""

    latvian_sort_keys: dict[str, tuple[str, ...]] = {}

    def order_queryset(self, queryset: QuerySet) -> QuerySet:
        ordering = self.ordering if isinstance(self.ordering, str) else ""
        fields = self.latvian_sort_keys.get(ordering.removeprefix("-"))
        if not fields:
            return super().order_queryset(queryset)
        sign = "-" if ordering.startswith("-") else ""
        return queryset.order_by(
            *in_latvian_order(*(sign + field for field in fields)), f"{sign}pk"
        )


class PolicyPermissionsOnlyMixin:
    """A viewset whose access follows its own permission policy (page permissions,
    the privacy or webhook permissions): its model's permissions would be boxes in
    the group editor that change nothing, so none are offered there."""

    def get_permissions_to_register(self) -> QuerySet[Permission]:
        return Permission.objects.none()


class ListingOnlyViewSet(PolicyPermissionsOnlyMixin, ModelViewSet):
    """The listing of records that change elsewhere (enrolling, issuing, review,
    the privacy commands): no add, edit, copy or delete screen. A subclass adds
    its own screens in :meth:`get_extra_urlpatterns`."""

    copy_view_enabled = False

    def get_urlpatterns(self) -> list[URLPattern]:
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            *self.get_extra_urlpatterns(),
        ]

    def get_extra_urlpatterns(self) -> list[URLPattern]:
        return []
