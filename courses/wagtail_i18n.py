"""Labels Wagtail leaves outside its catalogues, made translatable, so that an
author's admin is Latvian throughout (tests/e2e/test_latvian_admin.py finds them):

- the page field of a group's page permissions and of a workflow's pages has no
  label, so Django names it "Page" (read out by screen readers);
- the ``Locale`` model has no verbose name, so the group's permissions table heads
  its row "Locale".

Each is set to a message Wagtail's own catalogues translate. Only ``_meta`` and
form fields change, not the models' migration state.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def translate_wagtail_labels() -> None:
    from wagtail.admin.forms.workflows import WorkflowPageForm
    from wagtail.models import Locale
    from wagtail.users.forms import PagePermissionsForm

    for form in (PagePermissionsForm, WorkflowPageForm):
        if form.base_fields["page"].label is None:
            form.base_fields["page"].label = _("Page")
    if Locale._meta.verbose_name == "locale":
        Locale._meta.verbose_name = _("locale")
