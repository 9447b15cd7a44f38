from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    label = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from courses import (  # noqa: F401  (system checks, the <id:> converter)
            checks,
            converters,
        )
        from courses.catalogue import signal_handlers as content
        from courses.collation import register_sqlite_collation
        from courses.integrations import (  # noqa: F401  (receivers)
            signal_handlers as integration_receivers,
        )
        from courses.lti import privacy as lti_privacy
        from courses.lti import signal_handlers as lti_receivers  # noqa: F401
        from courses.people import languages  # noqa: F401  (receivers)
        from courses.privacy import declarations
        from courses.progress import signal_handlers  # noqa: F401  (receivers)
        from courses.uploads import register_upload_limits
        from courses.wagtail_i18n import translate_wagtail_labels

        connection_created.connect(
            register_sqlite_collation, dispatch_uid="courses_latvian_collation"
        )
        register_upload_limits()
        content.connect()
        declarations.declare()
        lti_privacy.declare()
        translate_wagtail_labels()
        if apps.is_installed("allauth.account"):
            from courses.people import allauth  # noqa: F401  (receivers)
