"""Courses for teachers' professional development, as a Wagtail plugin."""

from pathlib import Path

__version__ = "0.2.0"

#: The Latvian catalogue of the Wagtail admin messages Wagtail itself leaves in
#: English. A host site adds it to ``LOCALE_PATHS`` (docs/install.md); it holds only
#: what Wagtail's own Latvian lacks, so Wagtail's translations are used where they exist.
WAGTAIL_LOCALE_PATH = Path(__file__).resolve().parent / "locale_wagtail"
