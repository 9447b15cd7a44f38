from django.core.management.base import BaseCommand

from courses.demo.seed import seed_demo


class Command(BaseCommand):
    help = (
        "Load the demo programme (Daugavpils University's course for STEM teachers, "
        "Latvian and English) and demo accounts. Safe to run again."
    )

    def handle(self, *args, **options) -> None:
        accounts = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo programme ready."))
        self.stdout.write(
            "Demo accounts (the site signs in by e-mail, the admin by username):"
        )
        for account in accounts:
            self.stdout.write(
                f"  {account.role:<15} {account.username}@example.edu"
                f" / {account.username} / {account.password}"
            )
