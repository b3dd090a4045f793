"""The `csm` console script: Django's management entry point with CSM's settings."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        sys.stderr.write(f"csm: configuration error: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
