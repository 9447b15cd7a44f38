from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    label = "certificates"
    verbose_name = _("Certificates")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from certificates import signal_handlers  # noqa: F401  (connects receivers)
        from certificates.reports import register

        register()

    def seed_demo(self, courses: dict) -> None:
        """Called by ``manage.py seed_demo``: the demo course's certificate template."""
        from certificates.demo import ensure_default_template

        ensure_default_template(courses)
