"""Export a course's progress report, e.g. for a nightly copy to the registry.

manage.py export_progress --course 12 --format xlsx --output progress.xlsx
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courses.models import CoursePage, Enrolment
from courses.reports.exports import csv_chunks, xlsx_chunks
from courses.reports.rows import report_rows


class Command(BaseCommand):
    help = "Write the progress report of every learner of a course as CSV or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--course",
            required=True,
            help="Page id of the course (either language version).",
        )
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "--output", help="File to write; standard output when omitted."
        )

    def handle(self, *args, course: str, format: str, output: str | None, **options):
        if not str(course).isdigit():
            raise CommandError(f"--course must be a page id, not {course!r}.")
        page = CoursePage.objects.filter(pk=course).first()
        if page is None:
            raise CommandError(f"There is no course with id {course}.")
        rows = report_rows(Enrolment.objects.filter(course_key=page.translation_key))
        chunks = csv_chunks(rows) if format == "csv" else xlsx_chunks(rows)
        if output:
            path = Path(output)
            if not path.parent.is_dir():
                raise CommandError(f"The folder {path.parent} does not exist.")
            with path.open("wb") as file:
                for chunk in chunks:
                    file.write(chunk)
            return
        if format == "xlsx" and self.stdout._out is sys.stdout and sys.stdout.isatty():
            raise CommandError("An XLSX file would garble the terminal: use --output.")
        binary = getattr(self.stdout._out, "buffer", None)
        for chunk in chunks:
            if binary is not None:
                binary.write(chunk)
            elif format == "csv":
                self.stdout.write(chunk.decode(), ending="")
            else:
                raise CommandError("XLSX needs a binary output: use --output.")
        if binary is not None:
            binary.flush()
