"""Certificate templates and each course's template choice in the admin, with a
sample PDF of a template."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.menus import MenuItem
from wagtail.snippets.views.snippets import (
    IndexView as SnippetIndexView,
)
from wagtail.snippets.views.snippets import (
    SnippetViewSetGroup,
)

from certificates.models import (
    CertificateTemplate,
    CourseCertificateSettings,
)
from certificates.rendering import get_renderer
from certificates.snapshot import sample_certificate
from courses.admin_base import ContentSnippetViewSet


def sample_pdf_bytes(template: CertificateTemplate) -> bytes:
    """A certificate of ``template`` with sample data, as a PDF (also the
    template's preview in the editor)."""
    return get_renderer().render(sample_certificate(template))


def sample_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A sample certificate of a saved template."""
    template = get_object_or_404(CertificateTemplate, pk=pk)
    if not request.user.has_perm("certificates.change_certificatetemplate"):
        raise PermissionDenied
    return HttpResponse(sample_pdf_bytes(template), content_type="application/pdf")


class TemplateIndexView(SnippetIndexView):
    def get_list_more_buttons(self, instance: CertificateTemplate) -> list:
        return [
            *super().get_list_more_buttons(instance),
            MenuItem(
                _("Sample PDF"),
                url=reverse("certificate_templates:sample", args=[instance.pk]),
                icon_name="doc-full",
                priority=15,
            ),
        ]


class CertificateTemplateViewSet(ContentSnippetViewSet):
    model = CertificateTemplate
    icon = "doc-full-inverse"
    menu_label = _("Templates")
    url_namespace = "certificate_templates"
    index_view_class = TemplateIndexView
    list_display = ["name", "language", "orientation", "is_default"]
    search_fields = ["name"]
    search_backend_name = None

    def get_urlpatterns(self) -> list:
        return [
            *super().get_urlpatterns(),
            path("sample/<id:pk>/", sample_pdf, name="sample"),
        ]


class CourseSettingsViewSet(ContentSnippetViewSet):
    model = CourseCertificateSettings
    icon = "cog"
    menu_label = _("Course settings")
    list_display = ["course", "template", "issue_automatically"]


class TemplatesViewSetGroup(SnippetViewSetGroup):
    items = (CertificateTemplateViewSet, CourseSettingsViewSet)
    menu_icon = "doc-full-inverse"
    menu_label = _("Certificate templates")
    menu_name = "certificate_templates"
    menu_order = 220
