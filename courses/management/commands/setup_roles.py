from django.core.management.base import BaseCommand

from courses.roles import ensure_course_authors_group


class Command(BaseCommand):
    help = 'Create or update the "Course authors" group and its permissions.'

    def handle(self, *args, **options) -> None:
        group = ensure_course_authors_group()
        self.stdout.write(self.style.SUCCESS(f'Group "{group.name}" is ready.'))
