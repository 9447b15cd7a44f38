from django.core.management.base import BaseCommand

from courses.competences.frameworks import load_frameworks


class Command(BaseCommand):
    help = "Load or update the shipped competence frameworks (DigCompEdu, EntreComp, Skola2030)."

    def handle(self, *args, **options) -> None:
        count = load_frameworks()
        self.stdout.write(self.style.SUCCESS(f"{count} competences loaded."))
