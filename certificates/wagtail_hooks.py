"""Wiring only: the certificates' admin screens, permission policy and the
template editor's preview, registered with Wagtail."""

from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from certificates.admin_views.certificates import (
    CertificatePermissionPolicy,
    CertificateViewSet,
)
from certificates.admin_views.templates import (
    TemplatesViewSetGroup,
    sample_pdf_bytes,
)
from certificates.models import Certificate
from certificates.models.templates import PREVIEW_HOOK

# Before any viewset asks for Certificate's policy, or Wagtail makes a default one.
register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))

register_snippet(TemplatesViewSetGroup)


@hooks.register("register_admin_viewset")
def register_certificates_viewset() -> CertificateViewSet:
    return CertificateViewSet()


hooks.register(PREVIEW_HOOK, sample_pdf_bytes)
