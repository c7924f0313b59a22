"""`python -m sandbox <management command>`: Django's command line for the sandbox project."""

import os
import sys


def main() -> None:
    # Forced, not defaulted: the parent environment may carry the front office's settings.
    os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(["python -m sandbox", *sys.argv[1:]])


if __name__ == "__main__":
    main()
