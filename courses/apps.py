from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    label = "courses"
    verbose_name = _("Courses")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from courses.catalogue import signal_handlers as content
        from courses.progress import signal_handlers  # noqa: F401  (receivers)

        content.connect()
