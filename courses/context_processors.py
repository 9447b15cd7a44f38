"""Template context for the plugin's pages."""

from django.http import HttpRequest

from courses.conf import lms_setting


def lms(request: HttpRequest) -> dict[str, str]:
    """``lms_base_template``: what the plugin's pages extend (LMS_BASE_TEMPLATE).

    Without this context processor the pages use the plugin's own layout.
    """
    return {"lms_base_template": lms_setting("LMS_BASE_TEMPLATE")}
