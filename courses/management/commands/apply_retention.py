from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from courses.assignments.retention import announce, delete_expired


class Command(BaseCommand):
    help = (
        "Tell course staff which submitted files are due for deletion, and delete "
        "those past their retention period (LMS_SUBMISSION_RETENTION_DAYS). Run "
        "it daily; running it again the same day does nothing more."
    )

    def handle(self, *args, **options) -> None:
        announced = announce()
        deleted = delete_expired()
        self.stdout.write(
            _("Announced the deletion of %(announced)s files; deleted %(deleted)s.")
            % {"announced": announced, "deleted": deleted}
        )
