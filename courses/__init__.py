"""Courses for teachers' professional development, as a Wagtail plugin."""

__version__ = "0.2.0"
