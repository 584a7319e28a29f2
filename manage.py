#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
    if sys.argv[1:2] == ["extract"]:
        # Extraction reads files and prints records: it needs no database, server or secret, so
        # it runs anywhere (a scorer, a laptop without the embedded PostgreSQL started).
        os.environ.setdefault("REGISTRY_NO_DATABASE", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
