from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    label = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from certificates import (  # noqa: F401  (receivers and system checks)
            checks,
            privacy,
            signal_handlers,
        )
        from certificates.api import router
        from certificates.file_verification import MAX_BYTES
        from certificates.pd_record.forms import MAX_PDF_BYTES
        from certificates.reports import register
        from certificates.staff_api import router as staff_router
        from courses.api import register_router
        from courses.navigation import register_nav_item
        from courses.roles import PROGRAMME_ADMINISTRATORS, add_role_permissions
        from courses.uploads import register_upload_limit

        register()
        register_nav_item(_("My certificates"), "certificates:mine")
        register_nav_item(_("My professional development"), "certificates:pd_record")
        register_upload_limit("certificates:verify_file", lambda: MAX_BYTES)
        register_upload_limit("certificates:pd_record", lambda: MAX_PDF_BYTES)
        register_router(router)
        register_router(staff_router)
        privacy.declare()
        add_role_permissions(
            PROGRAMME_ADMINISTRATORS,
            [
                ("certificates", "issue_certificate"),
                ("certificates", "revoke_certificate"),
            ],
        )

    def seed_demo(self, courses: dict) -> None:
        """Called by ``manage.py seed_demo``: the demo course's certificate template."""
        from certificates.demo import ensure_default_template

        ensure_default_template(courses)
