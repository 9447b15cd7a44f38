"""Base forms for the plugin's models in the Wagtail editor."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm


class CompleteFormMixin:
    """A form with StreamFields refuses a post that lacks the block editor's own
    bookkeeping fields (``questions-count`` and the like: a hand-made request)
    with a message, where Wagtail would fail reading it."""

    incomplete_message = _(
        "The form arrived incomplete, so nothing was saved. Reload the page and "
        "try again."
    )

    def _widget_data_value(self, widget, html_name: str):
        # Django reads every field's posted value through this one method.
        try:
            return super()._widget_data_value(widget, html_name)
        except (KeyError, ValueError):
            self.incomplete = True
            name = (
                html_name.removeprefix(f"{self.prefix}-") if self.prefix else html_name
            )
            return self.get_initial_for_field(self.fields[name], name)

    def clean(self) -> dict:
        data = super().clean()
        if getattr(self, "incomplete", False):
            raise forms.ValidationError(self.incomplete_message, code="incomplete")
        return data


class CompleteAdminForm(CompleteFormMixin, WagtailAdminModelForm):
    pass


class CompletePageForm(CompleteFormMixin, WagtailAdminPageForm):
    pass
