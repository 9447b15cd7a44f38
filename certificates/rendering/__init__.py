"""Certificate renderers, found by identifier.

The setting ``LMS_CERTIFICATE_RENDERER`` names the renderer to use ("reportlab" by
default). A site adds its own by subclassing :class:`BaseRenderer` (or the ReportLab
renderer) and decorating the class with :func:`register`.
"""

from __future__ import annotations

from certificates.rendering.base import BaseRenderer
from courses.conf import lms_setting

_registry: dict[str, type[BaseRenderer]] = {}
_instances: dict[str, BaseRenderer] = {}


def register(renderer_class: type[BaseRenderer]) -> type[BaseRenderer]:
    """Class decorator: make a renderer available under its ``identifier``."""
    _registry[renderer_class.identifier] = renderer_class
    _instances.pop(renderer_class.identifier, None)
    return renderer_class


def get_renderer(identifier: str | None = None) -> BaseRenderer:
    """The renderer named ``identifier``, or by the setting; one instance per process,
    so the fonts and images it loads are loaded once."""
    identifier = identifier or lms_setting("LMS_CERTIFICATE_RENDERER")
    if identifier not in _instances:
        try:
            _instances[identifier] = _registry[identifier]()
        except KeyError:
            raise LookupError(
                f"No certificate renderer {identifier!r}; known: {sorted(_registry)}"
            ) from None
    return _instances[identifier]


# Registers the built-in renderer.
from certificates.rendering import reportlab_pdf  # noqa: E402, F401
