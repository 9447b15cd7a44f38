"""Send every due webhook delivery and xAPI statement now, e.g. from cron as a
safety net, or after an outage without waiting for the next event."""

from django.core.management.base import BaseCommand

from courses.integrations.delivery import deliver_due


class Command(BaseCommand):
    help = "Send the webhook deliveries and xAPI statements that are due."
    # Run often (cron, several workers): the site's checks ran when it started.
    requires_system_checks = []

    def handle(self, *args, **options) -> None:
        tried = deliver_due()
        self.stdout.write(f"{tried} tried.")
