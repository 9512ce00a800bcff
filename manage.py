#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wtsa_tracker.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from environs import EnvError

    try:
        settings.INSTALLED_APPS  # noqa: B018 - reads the settings module, as Django would next
    except (EnvError, ImproperlyConfigured) as error:
        # A missing or malformed setting: its sentence names it, a traceback adds nothing.
        sys.exit(f"manage.py: {error}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
