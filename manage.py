#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smeportal.settings")
    # A checkout with no production configuration (no DJANGO_SECRET_KEY in the
    # environment) is a developer's: run commands in development mode rather
    # than stop. Production sets the key, so its debug stays off; the WSGI
    # entry point never does this.
    if "DJANGO_SECRET_KEY" not in os.environ:
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
