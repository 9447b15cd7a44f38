from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from courses.enrolment.csv_import import CsvReport, enrol_from_csv
from courses.enrolment.csv_reading import CsvEnrolmentError
from courses.models import CoursePage


class Command(BaseCommand):
    help = (
        "Enrol the learners listed in a CSV file (email, first name, last name, "
        "cohort) into a course, creating accounts and e-mailing them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Path to the CSV file (UTF-8).")
        parser.add_argument(
            "--course", type=int, required=True, help="ID of the course page."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would happen, changing nothing.",
        )
        parser.add_argument(
            "--actor", help="Username recorded in the enrolment history as enrolling."
        )

    def handle(self, *args, **options) -> None:
        course = CoursePage.objects.filter(pk=options["course"]).first()
        if course is None:
            raise CommandError(
                _("There is no course with ID %(id)s.") % {"id": options["course"]}
            )
        actor = None
        if options["actor"]:
            User = get_user_model()
            actor = User._default_manager.filter(
                **{User.USERNAME_FIELD: options["actor"]}
            ).first()
            if actor is None:
                raise CommandError(
                    _("There is no user “%(username)s”.")
                    % {"username": options["actor"]}
                )
        try:
            with open(options["file"], "rb") as file:
                report = enrol_from_csv(file, course, actor, dry_run=options["dry_run"])
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s")
                % {"file": options["file"], "error": error.strerror or error}
            ) from None
        except CsvEnrolmentError as error:
            raise CommandError(str(error)) from None
        self.write_report(report)

    def write_report(self, report: CsvReport) -> None:
        for row in report.rows:
            line = f"{row.line:>5}  {row.email}  {row.outcome_label}"
            if row.refused:
                self.stdout.write(self.style.WARNING(f"{line}: {row.reason}"))
            else:
                self.stdout.write(line)
        totals = ", ".join(
            f"{outcome.label}: {count}" for outcome, count in report.counts
        )
        if report.dry_run:
            self.stdout.write(
                _("Dry run, nothing was changed. %(totals)s") % {"totals": totals}
            )
        else:
            self.stdout.write(self.style.SUCCESS(totals))
