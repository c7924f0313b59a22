"""Create the demo sign-ins. Refuses to run outside demo mode."""

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError

DEMO_USERS = (
    # username, password, role, superuser
    ("reception", "reception-demo", "Receptionist", False),
    ("manager", "manager-demo", "Manager", False),
    ("admin", "admin-demo", None, True),
)


class Command(BaseCommand):
    help = "Create the demo staff accounts (demo mode only)."

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("Demo accounts exist only in demo mode (FRONTOFFICE_DEMO=true).")
        for username, password, role, superuser in DEMO_USERS:
            user, _ = User.objects.get_or_create(username=username)
            user.first_name = username.title()
            user.is_superuser = user.is_staff = superuser
            user.is_active = True
            user.set_password(password)
            user.save()
            if role:
                user.groups.set([Group.objects.get(name=role)])
        self.stdout.write("Demo sign-ins ready.")
