"""Wiring only: the certificates' admin screens, permission policy and the
template editor's preview, registered with Wagtail."""

from django.contrib.auth.models import Permission
from wagtail import hooks
from wagtail.snippets.models import register_snippet

from certificates.admin_views.certificates import (
    CertificateViewSet,
)
from certificates.admin_views.templates import (
    TemplatesViewSetGroup,
    sample_pdf_bytes,
)
from certificates.models import Certificate
from certificates.models.templates import PREVIEW_HOOK
from courses.compat import use_permission_policy

# Before any viewset asks for Certificate's policy, or Wagtail makes a default one.
use_permission_policy(Certificate, CertificateViewSet.permission_policy)

register_snippet(TemplatesViewSetGroup)


@hooks.register("register_admin_viewset")
def register_certificates_viewset() -> CertificateViewSet:
    return CertificateViewSet()


hooks.register(PREVIEW_HOOK, sample_pdf_bytes)


@hooks.register("register_permissions")
def register_certificate_permissions():
    # Issuing and revoking, for every course, in the group editor.
    return Permission.objects.filter(
        content_type__app_label="certificates",
        codename__in=["issue_certificate", "revoke_certificate"],
    )
