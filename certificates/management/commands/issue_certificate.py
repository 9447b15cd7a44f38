from django.core.management.base import BaseCommand, CommandError, CommandParser

from certificates.issuing import IssuingError, issue_certificate
from certificates.models import Certificate
from courses.models import CoursePage, Enrolment


class Command(BaseCommand):
    help = (
        "Issue one learner's certificate by hand. A reason is required and recorded; "
        "it may certify an enrolment not yet completed (an administrator's decision)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--course", type=int, required=True, help="course page id")
        parser.add_argument("--user", required=True, help="the learner's e-mail")
        parser.add_argument("--reason", default="", help="why it is issued by hand")

    def handle(self, *args, course: int, user: str, reason: str, **options) -> None:
        if not reason.strip():
            raise CommandError("Give a reason with --reason.")
        page = CoursePage.objects.filter(pk=course).first()
        if page is None:
            raise CommandError(f"No course with id {course}.")
        enrolment = (
            Enrolment.objects.filter(
                course_key=page.translation_key, user__email__iexact=user
            )
            .select_related("user", "course", "cohort")
            .first()
        )
        if enrolment is None:
            raise CommandError(f"{user} is not enrolled in “{page.title}”.")
        try:
            certificate = issue_certificate(
                enrolment, how=Certificate.How.MANUAL, reason=reason
            )
        except IssuingError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"{certificate.serial} {certificate.learner_name} "
                f"({certificate.get_status_display()}): "
                f"{certificate.snapshot['verification_url']}"
            )
        )
