from django.core.management.base import BaseCommand

from courses.roles import ensure_roles


class Command(BaseCommand):
    help = (
        "Create or update the course team's groups (course authors, tutors, "
        "programme administrators, site administrators) and their permissions. "
        "Safe to run again: nothing a group holds is taken away."
    )

    def handle(self, *args, **options) -> None:
        for group in ensure_roles():
            self.stdout.write(self.style.SUCCESS(f'Group "{group.name}" is ready.'))
