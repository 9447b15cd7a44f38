from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from certificates.admin_views import (
    CertificatePermissionPolicy,
    CertificateViewSet,
    TemplatesViewSetGroup,
)
from certificates.models import Certificate

# Before any viewset asks for Certificate's policy, or Wagtail makes a default one.
register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))

register_snippet(TemplatesViewSetGroup)


@hooks.register("register_admin_viewset")
def register_certificates_viewset() -> CertificateViewSet:
    return CertificateViewSet()
